#include "tavrnn/report/run_figures.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"

namespace tavrnn::report {
namespace {

namespace fs = std::filesystem;

TEST(RunFigures, ManifestListsFilesRelativeToItsDirectory) {
  const fs::path dir = "/some/out";
  const std::vector<FigureFile> figures = {
      {"attention", "Attention", "How to read it.", dir / "attention.png", dir / "attention.svg"}};
  const auto m = nlohmann::json::parse(figures_manifest(figures, dir));
  ASSERT_TRUE(m.is_array());
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]["name"], "attention");
  EXPECT_EQ(m[0]["title"], "Attention");
  EXPECT_EQ(m[0]["caption"], "How to read it.");
  EXPECT_EQ(m[0]["png"], "attention.png");
  EXPECT_EQ(m[0]["svg"], "attention.svg");
}

TEST(RunFigures, MissingRunDirectoryIsAnErrorNamingIt) {
  const auto run = fs::temp_directory_path() / "tavrnn_run_figures_no_such_run";
  fs::remove_all(run);
  try {
    write_run_figures(run, run / "figures", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(run.string()), std::string::npos) << e.what();
  }
}

TEST(RunFigures, EmptyRunSkipsEveryFigureAndWritesAnEmptyManifest) {
  const auto run = fs::temp_directory_path() / "tavrnn_run_figures_empty";
  fs::remove_all(run);
  fs::create_directories(run);
  EXPECT_TRUE(write_run_figures(run, run / "figures", {}).empty());
  EXPECT_EQ(nlohmann::json::parse(io::read_file_bytes(run / "figures" / "figures.json")),
            nlohmann::json::array());
}

}  // namespace
}  // namespace tavrnn::report
