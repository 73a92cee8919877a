#include "tavrnn/report/html_text.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <utility>
#include <vector>

#include "tavrnn/util/error.h"

namespace tavrnn::report {
namespace {

// OpenSSL's decoder, independent of how base64_encode is written.
std::string base64_decoded(const std::string& text) {
  if (text.empty()) return "";
  std::string out(text.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) {
    ADD_FAILURE() << "OpenSSL could not decode the base64 text";
    return "";
  }
  out.resize(static_cast<std::size_t>(n));
  // EVP_DecodeBlock decodes the padding of the last group as zero bytes.
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '=' && !out.empty(); --i) out.pop_back();
  return out;
}

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

TEST(Base64, RoundTripsThroughOpenSslDecoderForEveryLengthModThree) {
  // RFC 4648 section 10: lengths 0..6 cover every remainder mod 3 twice.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, text] : vectors) {
    EXPECT_EQ(base64_encode(plain), text) << "\"" << plain << "\"";
    EXPECT_EQ(base64_decoded(text), plain) << text;
  }
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  for (std::size_t length = 0; length <= every_byte.size(); ++length) {
    const std::string bytes = every_byte.substr(0, length);
    EXPECT_EQ(base64_decoded(base64_encode(bytes)), bytes) << length << " bytes";
  }
}

TEST(Base64, InputLongerThanOneEncoderPieceHasPaddingOnlyAtTheEnd) {
  // base64_encode hands OpenSSL 3 MiB at a time; lengths at and just past that.
  for (const std::size_t length : {std::size_t{3} << 20, (std::size_t{3} << 20) + 1, (std::size_t{3} << 20) + 2}) {
    std::string bytes(length, '\0');
    for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<char>((i * 131 + i / 251) & 0xFF);
    const std::string text = base64_encode(bytes);
    ASSERT_EQ(text.size(), (length + 2) / 3 * 4) << length;
    const std::size_t padding = (3 - length % 3) % 3;
    EXPECT_EQ(text.find('='), padding == 0 ? std::string::npos : text.size() - padding) << length;
    EXPECT_EQ(text.find('\0'), std::string::npos) << length;
    EXPECT_TRUE(base64_decoded(text) == bytes) << length << " bytes differ after a round trip";
  }
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
