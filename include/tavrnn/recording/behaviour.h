#pragma once
// Behaviour made into what an experiment decodes: a track coordinate from
// tracked positions (the first principal axis), and per-bin labels from
// ranges of that coordinate (the two ends of a linear track).
#include <string>

#include "tavrnn/recording/recording.h"

namespace tavrnn {

// behaviour: [B, D] -> [B, 1], the projection of the centred behaviour on
// its first principal axis (embedding::pca's first component: the
// eigenvector of the D x D covariance with the largest eigenvalue). Mean and
// axis are taken over the bins whose every dimension is finite; other bins
// project to NaN. The axis' sign is then fixed so that its largest loading is
// positive (the coordinate increases along the dimension the track mostly
// follows, whatever PCA's own sign convention), so the same input always
// gives the same coordinate and percent ranges of `behaviour-labels` name
// the same end. The dimension is named "pc1". Throws, naming `origin`, with
// fewer than 2 finite bins or no variance.
Behaviour first_principal_axis(const Behaviour& behaviour, const std::string& origin);

// One label per bin from ranges of a 1-D behaviour ("start:0%:15%,
// end:85%:100%]", parse_labelled_ranges' syntax; percentages of the span of
// the finite values). Bins in no range, and NaN bins, are unlabelled.
// Throws, naming `origin`, when the behaviour has more than one dimension.
Categorical label_behaviour_ranges(const Behaviour& behaviour, const std::string& ranges,
                                   const std::string& origin);

// Every K consecutive bins summed into one (counts add; behaviour is the
// mean of the finite values; a label is the one most of the K bins carry,
// unlabelled on a tie or when most are unlabelled; trial boundaries are
// divided by K and rounded to the nearest bin). A last group of fewer than K
// bins is dropped. K = 1 returns a copy.
Recording rebin(const Recording& recording, std::size_t factor, const std::string& origin);

}  // namespace tavrnn
