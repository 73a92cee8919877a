#include "tavrnn/runtime.h"

#include <gtest/gtest.h>

#include "tavrnn/progress.h"

namespace tavrnn {
namespace {

TEST(Runtime, BlasLibraryIsFoundAndIsNotTheReferenceOne) {
  const BlasInfo blas = detect_blas();
  EXPECT_NE(blas.vendor, "unknown") << blas.library;
  // scripts/install-deps.sh installs OpenBLAS; the netlib BLAS is 50x slower.
  EXPECT_FALSE(blas.is_reference) << blas.library;
}

TEST(Runtime, SetNumThreadsSetsLibTorchThreads) {
  const int before = num_threads();
  set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
  set_num_threads(before);
  EXPECT_EQ(num_threads(), before);
}

TEST(Runtime, VersionReportNamesLibTorchAndBlas) {
  const std::string report = version_report();
  EXPECT_NE(report.find("LibTorch  1."), std::string::npos) << report;
  EXPECT_NE(report.find("BLAS"), std::string::npos) << report;
}

TEST(ProgressBar, DurationsAreWrittenLikeAClock) {
  EXPECT_EQ(ProgressBar::format_duration(12.4), "12s");
  EXPECT_EQ(ProgressBar::format_duration(247), "4:07");
  EXPECT_EQ(ProgressBar::format_duration(3903), "1:05:03");
  EXPECT_EQ(ProgressBar::format_duration(-1), "--");
}

}  // namespace
}  // namespace tavrnn
