#pragma once
// MATLAB .mat input (v5 and v7.3) through libmatio: a numeric matrix of
// counts, or spike-time vectors in cell arrays (nested at any depth, with
// units as plain vectors or as structs with a spike-time field). Path syntax
// and layouts: docs/formats.md, "MATLAB".
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tavrnn/recording/binning.h"
#include "tavrnn/recording/recording.h"

namespace tavrnn::io {

// Which MATLAB variable holds the activity (docs/formats.md, "MATLAB").
struct MatSelection {
  std::string variable;  // NAME or NAME.FIELD.FIELD (scalar structs); default: the only variable
  std::string field;     // field of each unit's struct that holds its spike times ("time")
  std::string trial_labels;  // a vector with one value per trial of a 3-D stack (GRIP)
};

struct MatVariableInfo {
  std::string name;
  std::string class_name;          // "double", "cell", "struct", "char", ...
  std::vector<std::size_t> dims;   // MATLAB's dimensions (rows first)
  std::string to_text() const;     // "spikes: cell 1x1"
};
std::vector<MatVariableInfo> list_mat(const std::filesystem::path& path);

// A variable read as activity: either counts (a numeric matrix; a 3-D array
// is a stack of trials, units x bins x trials or with time_major bins x
// units x trials, laid end to end in time) or spike
// trains (cells). Unit ids of spike trains are the 1-based cell indices of
// the levels that have more than one element, joined by '.' ("3.2" =
// tetrode 3, unit 2); with two or more such levels the first one is the
// unit's group (the tetrode). Empty spike-time vectors (a [] cell, or a
// struct whose field is []) are discarded clusters and are skipped.
struct MatActivity {
  std::string variable;           // as selected: "spikes", "data.units"
  std::optional<Activity> counts; // units x bins (bins x units in the file with time_major)
  std::vector<BinRange> trials;   // one per trial of a 3-D stack, else empty
  SpikeTrains trains;             // when the variable holds spike times
  std::optional<Categorical> groups;
  std::size_t skipped_empty = 0;  // empty cells and empty spike-time fields passed over
};
// One text per element of a numeric vector (numbers as "1", "0.5"; NaN as
// "") or of a cell array of strings: labels, one per trial.
std::vector<std::string> read_mat_text_values(const std::filesystem::path& path,
                                              const std::string& variable);

MatActivity read_mat_activity(const std::filesystem::path& path, const MatSelection& selection,
                              bool time_major);

}  // namespace tavrnn::io
