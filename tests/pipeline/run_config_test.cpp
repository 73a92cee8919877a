#include "tavrnn/pipeline/run_config.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {
namespace {

namespace fs = std::filesystem;

fs::path write_config(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "tavrnn_run_config_test";
  fs::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

using Args = std::vector<std::string>;

TEST(RunConfig, SectionKeysBecomeTheSubcommandsOptionsSortedByKey) {
  const auto file = write_config("a.toml", R"(
out = "runs/a"
seed = 7
[graphs]
windows = "sliding:2min:1min"
theta = 0.6
select = [5, 14, 17, 0, 9, 8]
history-node = true
top-k = 10
[fit]
freeze-gru-gates = false
epochs = 500
)");
  const RunConfig c = read_run_config(file);
  EXPECT_EQ(c.out, "runs/a");
  ASSERT_TRUE(c.seed.has_value());
  EXPECT_EQ(*c.seed, 7u);
  EXPECT_EQ(c.arguments("graphs"), (Args{"--history-node", "--select", "5,14,17,0,9,8", "--theta", "0.6",
                                         "--top-k", "10", "--windows", "sliding:2min:1min"}));
  // false flags are absent, as on the command line
  EXPECT_EQ(c.arguments("fit"), (Args{"--epochs", "500"}));
  EXPECT_TRUE(c.arguments("evaluate").empty());
  EXPECT_EQ(c.value("graphs", "history-node"), std::optional<std::string>("true"));
  EXPECT_EQ(c.value("graphs", "rmt"), std::nullopt);
}

TEST(RunConfig, OverridesReplaceAddAndRemoveKeys) {
  const auto file = write_config("b.toml", "out = 'x'\n[graphs]\ntheta = 0.6\nhistory-node = true\n");
  const RunConfig c = read_run_config(
      file, {"graphs.theta=0.3", "graphs.history-node=false", "graphs.windows=segments:40",
             "fit.epochs=60", "out=elsewhere", "seed=3", "evaluate.contrast=\"high:low\""});
  EXPECT_EQ(c.arguments("graphs"), (Args{"--theta", "0.3", "--windows", "segments:40"}));
  EXPECT_EQ(c.arguments("fit"), (Args{"--epochs", "60"}));
  EXPECT_EQ(c.arguments("evaluate"), (Args{"--contrast", "high:low"}));
  EXPECT_EQ(c.out, "elsewhere");
  EXPECT_EQ(c.seed, std::optional<std::uint64_t>(3));
}

TEST(RunConfig, InputsAreRelativeToTheConfigFile) {
  const auto file = write_config("c.toml", "[recording]\npath = '../data/rec.nwb'\n");
  const RunConfig c = read_run_config(file);
  EXPECT_EQ(c.resolve_input("../data/rec.nwb"),
            (file.parent_path().parent_path() / "data" / "rec.nwb").lexically_normal());
  EXPECT_EQ(c.resolve_input("/abs/rec.nwb"), fs::path("/abs/rec.nwb"));
}

void expect_error(const std::string& text, const std::vector<std::string>& needles,
                  const std::vector<std::string>& overrides = {}) {
  const auto file = write_config("bad.toml", text);
  try {
    read_run_config(file, overrides);
    FAIL() << "no error for: " << text;
  } catch (const Error& e) {
    for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
  }
}

TEST(RunConfig, BadFilesNameTheLineAndTheKey) {
  expect_error("[fit\n", {"bad.toml", "line 1"});
  expect_error("[plot]\nx = 1\n", {"bad.toml", "[plot]", "sections:"});
  expect_error("epochs = 3\n", {"bad.toml", "unknown top-level key 'epochs'"});
  expect_error("out = 3\n", {"`out` must be a string"});
  expect_error("seed = -2\n", {"seed", "non-negative integer"});
  expect_error("\n[fit]\nepochs = { a = 1 }\n", {"bad.toml line 3", "[fit] epochs", "table"});
  expect_error("[graphs]\nselect = [[1, 2]]\n", {"[graphs] select", "list holding a array"});
  expect_error("", {"--set fit", "SECTION.KEY=VALUE"}, {"fit"});
  expect_error("", {"--set plot.x=1", "[plot]"}, {"plot.x=1"});
}

TEST(RunConfig, MissingFileIsAnError) {
  EXPECT_THROW(read_run_config("/nonexistent/tavrnn.toml"), Error);
}

}  // namespace
}  // namespace tavrnn::pipeline
