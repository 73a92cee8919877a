#include "tavrnn/report/figure_manifest.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "tavrnn/util/error.h"

namespace tavrnn::report {
namespace {

namespace fs = std::filesystem;

class FigureManifest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tavrnn_manifest_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    write("a.png", "png bytes");
    write("a.svg", "<svg></svg>");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  // The message of the Error reading a manifest with `text` throws.
  std::string error_of(const std::string& text) {
    write("figures.json", text);
    try {
      read_figure_manifest(dir_ / "figures.json");
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }
  fs::path dir_;
};

TEST_F(FigureManifest, PathsAreRelativeToTheManifestAndEachImageIsOptional) {
  write("figures.json", R"([{"name": "a", "title": "T", "caption": "C", "png": "a.png", "svg": "a.svg"},
                            {"name": "b", "svg": "a.svg"}])");
  const auto figures = read_figure_manifest(dir_ / "figures.json");
  ASSERT_EQ(figures.size(), 2u);
  EXPECT_EQ(figures[0].title, "T");
  EXPECT_EQ(figures[0].caption, "C");
  EXPECT_EQ(figures[0].png, dir_ / "a.png");
  EXPECT_EQ(figures[1].svg, dir_ / "a.svg");
  EXPECT_TRUE(figures[1].png.empty());
  EXPECT_TRUE(figures[1].title.empty());
}

TEST_F(FigureManifest, BadManifestsAreErrorsNamingTheFileAndWhatWasWrong) {
  const std::string file = (dir_ / "figures.json").string();
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"[{\"name\": ", "does not parse"},
           {"{\"name\": \"a\"}", "expected a JSON array"},
           {"[3]", "figure 0: expected an object"},
           {"[{\"png\": \"a.png\"}]", "\"name\""},
           {"[{\"name\": \"a\"}]", "expected \"png\" or \"svg\""},
           {"[{\"name\": \"a\", \"png\": 7}]", "\"png\" to be a string"},
           {"[{\"name\": \"a\", \"svg\": \"gone.svg\"}]", "does not exist"}}) {
    const std::string message = error_of(text);
    EXPECT_NE(message.find(file), std::string::npos) << text << " -> " << message;
    EXPECT_NE(message.find(expected), std::string::npos) << text << " -> " << message;
  }
}

TEST_F(FigureManifest, MissingManifestIsAnErrorNamingIt) {
  try {
    read_figure_manifest(dir_ / "none.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("none.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tavrnn::report
