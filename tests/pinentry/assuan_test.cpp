#include "agent/pin/assuan.hpp"

#include <gtest/gtest.h>

#include "agent/pin/pinentry.hpp"

namespace assuan = ehagent::agent::assuan;
using assuan::Outcome;

TEST(AssuanEscape, EscapesPercentAndLineBreaks) {
  EXPECT_EQ(assuan::escape("100% sure\r\nnext"), "100%25 sure%0D%0Anext");
  EXPECT_EQ(assuan::escape("Alice SPECIMEN's eID"), "Alice SPECIMEN's eID");
}

TEST(AssuanEscape, EveryByteRoundTrips) {
  std::string all;
  for (int byte = 0; byte < 256; ++byte) all += static_cast<char>(byte);
  const std::string escaped = assuan::escape(all);
  EXPECT_EQ(escaped.find('\n'), std::string::npos);
  EXPECT_EQ(assuan::unescape(escaped), all);
}

TEST(AssuanEscape, MalformedEscapesAreRefused) {
  EXPECT_THROW((void)assuan::unescape("%4"), assuan::ProtocolError);
  EXPECT_THROW((void)assuan::unescape("%zz"), assuan::ProtocolError);
  EXPECT_THROW((void)assuan::unescape("ends in %"), assuan::ProtocolError);
  EXPECT_EQ(assuan::unescape("%41%62c"), "Abc");
}

TEST(AssuanEscape, DecodesStraightIntoASecret) {
  ehagent::Secret pin;
  assuan::decodeInto("12%2534", pin);
  EXPECT_EQ(pin.view(), "12%34");
}

TEST(AssuanCommand, EscapesTheArgumentAndEndsTheLine) {
  EXPECT_EQ(assuan::command("GETPIN"), "GETPIN\n");
  EXPECT_EQ(assuan::command("SETDESC", "two\nlines"), "SETDESC two%0Alines\n");
  EXPECT_THROW((void)assuan::command("SETDESC", std::string(1000, 'x')), assuan::ProtocolError);
}

TEST(AssuanResponse, DataLinesAcrossSeveralLinesThenOk) {
  assuan::Response response;
  EXPECT_FALSE(response.feed("# a comment"));
  EXPECT_FALSE(response.feed("S PROGRESS 1"));
  EXPECT_FALSE(response.feed("D 12"));
  EXPECT_FALSE(response.feed("D %2534"));
  EXPECT_TRUE(response.feed("OK"));
  EXPECT_EQ(response.outcome(), Outcome::Ok);
  EXPECT_EQ(response.data().view(), "12%34");
  ASSERT_EQ(response.status().size(), 1U);
  EXPECT_EQ(response.status()[0], "PROGRESS 1");
}

TEST(AssuanResponse, OkCarriesItsText) {
  assuan::Response response;
  EXPECT_TRUE(response.feed("OK Pleased to meet you"));
  EXPECT_EQ(response.text(), "Pleased to meet you");
  EXPECT_TRUE(response.data().empty());
}

TEST(AssuanResponse, ErrCarriesCodeAndText) {
  assuan::Response response;
  EXPECT_TRUE(response.feed("ERR 83886179 Operation cancelled <Pinentry>"));
  EXPECT_EQ(response.outcome(), Outcome::Err);
  EXPECT_EQ(response.errorCode(), 83886179UL);
  EXPECT_EQ(response.text(), "Operation cancelled <Pinentry>");
  EXPECT_TRUE(assuan::isCancel(response.errorCode()));
  EXPECT_FALSE(assuan::isCancel(83886194UL));  // not confirmed
  EXPECT_EQ(assuan::errorCodeOf(83886194UL), assuan::gpg_err_not_confirmed);
}

TEST(AssuanResponse, InquireEndsTheResponse) {
  assuan::Response response;
  EXPECT_TRUE(response.feed("INQUIRE QUALITY 1234"));
  EXPECT_EQ(response.outcome(), Outcome::Inquire);
  EXPECT_EQ(response.text(), "QUALITY 1234");
}

TEST(AssuanResponse, CarriageReturnIsTolerated) {
  assuan::Response response;
  EXPECT_FALSE(response.feed("D 42\r"));
  EXPECT_TRUE(response.feed("OK\r"));
  EXPECT_EQ(response.data().view(), "42");
}

TEST(AssuanResponse, BadLinesAreProtocolErrors) {
  EXPECT_THROW(assuan::Response{}.feed("ERR cancelled"), assuan::ProtocolError);
  EXPECT_THROW(assuan::Response{}.feed("INQUIRE"), assuan::ProtocolError);
  EXPECT_THROW(assuan::Response{}.feed("D %4"), assuan::ProtocolError);
  EXPECT_THROW(assuan::Response{}.feed("OKAY"), assuan::ProtocolError);
  EXPECT_THROW(assuan::Response{}.feed(std::string(1000, 'D')), assuan::ProtocolError);
  assuan::Response ended;
  ASSERT_TRUE(ended.feed("OK"));
  EXPECT_THROW(ended.feed("OK"), assuan::ProtocolError);
}

TEST(AssuanResponse, AStrayLineNeverEchoesItsContent) {
  try {
    assuan::Response{}.feed("987654 secret");
    FAIL() << "a bare line must be refused";
  } catch (const assuan::ProtocolError& e) {
    EXPECT_EQ(std::string(e.what()).find("987654"), std::string::npos) << e.what();
  }
}

TEST(AssuanResponse, OversizedDataIsRefusedNotGrown) {
  assuan::Response response;
  const std::string chunk(900, 'x');
  EXPECT_THROW(
      {
        for (int i = 0; i < 2; ++i) response.feed("D " + chunk);
      },
      std::length_error);
}

TEST(PinDescription, TheIssuesWording) {
  EXPECT_EQ(ehagent::agent::pinDescription({"Medidoc", "sign a consent", "78031215280", "Alice SPECIMEN", 3}),
            "Medidoc asks to sign a consent for patient 78031215280. PIN for Alice SPECIMEN's eID (3 tries left)");
  EXPECT_EQ(ehagent::agent::pinDescription({"Medidoc", "log in to eHealth", std::nullopt, "Bob SPECIMEN", 1}),
            "Medidoc asks to log in to eHealth. PIN for Bob SPECIMEN's eID (1 try left)");
  EXPECT_EQ(ehagent::agent::pinDescription({"Medidoc", "log in", std::nullopt, "Bob SPECIMEN", std::nullopt}),
            "Medidoc asks to log in. PIN for Bob SPECIMEN's eID");
}
