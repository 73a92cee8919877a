#include "tavrnn/report/html_text.h"

#include <gtest/gtest.h>

#include "tavrnn/error.h"

namespace tavrnn::report {
namespace {

TEST(EscapeHtml, EscapesEveryCharacterThatCanEndTextOrAnAttribute) {
  EXPECT_EQ(escape_html(R"(<b a="1" c='2'>&</b>)"),
            "&lt;b a=&quot;1&quot; c=&#39;2&#39;&gt;&amp;&lt;/b&gt;");
  EXPECT_EQ(escape_html("CA1 ünits"), "CA1 ünits");  // UTF-8 passes through
}

TEST(Base64, MatchesRfc4648TestVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\xfe", 3)), "/wD+");
}

TEST(JsonForScript, NoNameCanCloseTheScriptBlockYetTheValueRoundTrips) {
  const nlohmann::json value = {{"names", {"</script><script>alert(1)</script>", "a & b", "<!--"}}};
  const std::string text = json_for_script(value);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text), value);
}

TEST(ScriptForInlining, BreaksClosingScriptTagsOnly) {
  EXPECT_EQ(script_for_inlining("a='</SCRIPT>';b='</div>'"), "a='<\\/SCRIPT>';b='</div>'");
  EXPECT_EQ(script_for_inlining("x</scrip"), "x</scrip");
}

TEST(SvgForInlining, DropsPrologueAndScriptsAndPrefixesIds) {
  const std::string svg =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n<!-- c -->\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\"><defs><clipPath id=\"c1\"><rect/></clipPath></defs>"
      "<script>alert(1)</script><g clip-path=\"url(#c1)\"><use href=\"#c1\"/></g></svg>\n";
  const std::string out = svg_for_inlining(svg, "fig0-", "a.svg");
  EXPECT_EQ(out.rfind("<svg ", 0), 0u) << out;
  EXPECT_EQ(out.find("<?xml"), std::string::npos);
  EXPECT_EQ(out.find("DOCTYPE"), std::string::npos);
  EXPECT_EQ(out.find("script"), std::string::npos);
  EXPECT_NE(out.find("id=\"fig0-c1\""), std::string::npos);
  EXPECT_NE(out.find("url(#fig0-c1)"), std::string::npos);
  EXPECT_NE(out.find("href=\"#fig0-c1\""), std::string::npos);
}

TEST(SvgForInlining, TextWithoutAnSvgElementIsAnErrorNamingTheFile) {
  try {
    svg_for_inlining("<html></html>", "f-", "figs/a.svg");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("figs/a.svg"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tavrnn::report
