#include "tavrnn/pipeline/stage_ledger.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tavrnn/util/error.h"

namespace tavrnn::pipeline {
namespace {

namespace fs = std::filesystem;

class StageLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tavrnn_stage_ledger_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  fs::path dir_;
};

TEST_F(StageLedgerTest, KeyDependsOnArgumentsAndInputBytes) {
  write("in.txt", "one");
  const auto k1 = stage_key("graphs", {"--theta", "0.3"}, {dir_ / "in.txt"});
  EXPECT_EQ(k1, stage_key("graphs", {"--theta", "0.3"}, {dir_ / "in.txt"}));
  EXPECT_NE(k1, stage_key("graphs", {"--theta", "0.6"}, {dir_ / "in.txt"}));
  EXPECT_NE(k1, stage_key("fit", {"--theta", "0.3"}, {dir_ / "in.txt"}));
  write("in.txt", "two");
  EXPECT_NE(k1, stage_key("graphs", {"--theta", "0.3"}, {dir_ / "in.txt"}));
}

TEST_F(StageLedgerTest, FinishedStageIsUpToDateUntilAnOutputChanges) {
  write("out.npz", "result");
  {
    StageLedger ledger(dir_ / "run.json");
    EXPECT_FALSE(ledger.up_to_date("graphs", "k"));
    ledger.mark_started("graphs", "k", {"--theta", "0.3"});
    EXPECT_EQ(ledger.started_key("graphs"), std::optional<std::string>("k"));
    EXPECT_FALSE(ledger.up_to_date("graphs", "k"));
    ledger.mark_finished("graphs", "k", {dir_ / "out.npz"}, 1.5);
  }
  StageLedger reread(dir_ / "run.json");  // persisted
  EXPECT_TRUE(reread.up_to_date("graphs", "k"));
  EXPECT_FALSE(reread.up_to_date("graphs", "other key"));
  EXPECT_EQ(reread.started_key("graphs"), std::nullopt);
  EXPECT_TRUE(reread.record()["stages"]["graphs"]["outputs"].contains("out.npz"));
  write("out.npz", "edited");
  EXPECT_FALSE(reread.up_to_date("graphs", "k"));
  fs::remove(dir_ / "out.npz");
  EXPECT_FALSE(reread.up_to_date("graphs", "k"));
}

TEST_F(StageLedgerTest, RefusesAFileThatIsNotARunRecord) {
  write("run.json", R"({"command": "fit", "graphs": "g.npz"})");
  EXPECT_THROW(StageLedger(dir_ / "run.json"), Error);
  write("run.json", "not json");
  EXPECT_THROW(StageLedger(dir_ / "run.json"), Error);
}

}  // namespace
}  // namespace tavrnn::pipeline
