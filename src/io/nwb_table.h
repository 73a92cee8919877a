#pragma once
// What the NWB readers share: DynamicTable columns and VectorIndex checks
// (hdmf-common schema), over one open HDF5 file.
#include <cstdint>
#include <string>
#include <vector>

#include "hdf5_file.h"
#include "tavrnn/io/nwb.h"

namespace tavrnn::io::nwb {

// The `neurodata_type` attribute of an object ("" when absent).
std::string neurodata_type(const hdf5::File& file, const std::string& path);

// Paths of every group whose neurodata_type is one of `types`, in walk order.
std::vector<std::string> find_typed_groups(const hdf5::File& file, const std::vector<std::string>& types);

// Rows of a DynamicTable: the length of its `id` dataset.
std::size_t table_rows(const hdf5::File& file, const std::string& table);

// The columns of a DynamicTable in `colnames` order, then any other data
// column; `id` and VectorIndex datasets are not columns. A name in
// `colnames` without its dataset is an error naming the table.
std::vector<NwbColumn> table_columns(const hdf5::File& file, const std::string& table);

// Reads a VectorIndex (end offsets, any integer type) and checks it: one
// offset per row, non-decreasing, none negative or past `n_values`.
std::vector<std::uint64_t> checked_index(const hdf5::File& file, const std::string& index_path,
                                         std::size_t n_rows, std::size_t n_values);

// A scalar column as text (see read_nwb_column_text); Error names the
// column's path when it is missing, ragged or of another length.
std::vector<std::string> column_text(const hdf5::File& file, const std::string& table,
                                     const std::string& column);

std::string join(const std::string& group, const std::string& child);

}  // namespace tavrnn::io::nwb
