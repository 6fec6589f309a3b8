#include "sr/cidr.hpp"

#include <gtest/gtest.h>

namespace sr::net {
namespace {

IpAddress Ip(std::string_view text) {
  std::optional<IpAddress> address = ParseIp(text);
  EXPECT_TRUE(address) << text;
  return address.value_or(IpAddress{});
}

TEST(Cidr, ParsesBothFamiliesAndNormalisesMappedIpv4) {
  EXPECT_EQ(Ip("10.1.2.3").family, IpAddress::Family::kV4);
  EXPECT_EQ(Ip("::1").family, IpAddress::Family::kV6);
  EXPECT_EQ(Ip("::ffff:10.1.2.3"), Ip("10.1.2.3"));
  EXPECT_EQ(Ip("[::1]"), Ip("::1"));
  EXPECT_EQ(Ip("fe80::1%eth0"), Ip("fe80::1"));
  EXPECT_EQ(FormatIp(Ip("::ffff:127.0.0.1")), "127.0.0.1");
}

TEST(Cidr, RefusesWhatIsNotAnAddress) {
  for (std::string_view text : {"", "localhost", "127.1", "1.2.3.4.5", "1.2.3.256", "::1::2",
                                "1.2.3.4:80", " 1.2.3.4", "[::1"}) {
    EXPECT_FALSE(ParseIp(text)) << text;
  }
}

TEST(Cidr, RangesContainTheirAddressesOnly) {
  Cidr ten = ParseCidr("10.0.0.0/8").value();
  EXPECT_TRUE(ten.Contains(Ip("10.255.1.1")));
  EXPECT_FALSE(ten.Contains(Ip("11.0.0.0")));
  EXPECT_FALSE(ten.Contains(Ip("::ffff:11.0.0.1")));
  Cidr odd = ParseCidr("192.168.4.0/22").value();
  EXPECT_TRUE(odd.Contains(Ip("192.168.7.255")));
  EXPECT_FALSE(odd.Contains(Ip("192.168.8.0")));
  Cidr link = ParseCidr("fe80::/10").value();
  EXPECT_TRUE(link.Contains(Ip("febf::1")));
  EXPECT_FALSE(link.Contains(Ip("fec0::1")));
  EXPECT_FALSE(link.Contains(Ip("10.0.0.1")));
  EXPECT_TRUE(ParseCidr("0.0.0.0/0").value().Contains(Ip("8.8.8.8")));
  EXPECT_TRUE(ParseCidr("::ffff:10.0.0.0/104").value().Contains(Ip("10.9.9.9")));
}

TEST(Cidr, BareAddressIsASingleHost) {
  Cidr one = ParseCidr("127.0.0.2").value();
  EXPECT_EQ(one.prefix_bits, 32u);
  EXPECT_TRUE(one.Contains(Ip("127.0.0.2")));
  EXPECT_FALSE(one.Contains(Ip("127.0.0.3")));
  EXPECT_EQ(ParseCidr("::1").value().prefix_bits, 128u);
}

TEST(Cidr, RefusesMalformedRanges) {
  for (std::string_view text : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.1.2.3/8",
                                "10.0.0.0/-1", "::ffff:10.0.0.0/95", "/8"}) {
    EXPECT_FALSE(ParseCidr(text)) << text;
  }
}

TEST(Cidr, SetReportsTheFirstBadEntry) {
  std::string bad;
  EXPECT_FALSE(CidrSet::Parse({"10.0.0.0/8", "nope", "x"}, &bad));
  EXPECT_EQ(bad, "nope");
  CidrSet set = CidrSet::Parse({"10.0.0.0/8", "::1"}).value();
  EXPECT_TRUE(set.Contains("10.2.3.4"));
  EXPECT_TRUE(set.Contains("::1"));
  EXPECT_FALSE(set.Contains("127.0.0.1"));
  EXPECT_FALSE(set.Contains("garbage"));
  EXPECT_FALSE(CidrSet().Contains("10.0.0.1"));
}

TEST(Cidr, ClassifiesSpecialAddresses) {
  EXPECT_TRUE(IsLoopback(Ip("127.8.9.10")));
  EXPECT_TRUE(IsLoopback(Ip("::1")));
  EXPECT_TRUE(IsLoopback(Ip("::ffff:127.0.0.1")));
  EXPECT_FALSE(IsLoopback(Ip("::2")));
  EXPECT_TRUE(IsUnspecified(Ip("0.0.0.0")));
  EXPECT_TRUE(IsUnspecified(Ip("::")));
  EXPECT_TRUE(IsLinkLocal(Ip("169.254.169.254")));
  EXPECT_TRUE(IsLinkLocal(Ip("fe80::1")));
  EXPECT_TRUE(IsMulticast(Ip("224.0.0.1")));
  EXPECT_TRUE(IsMulticast(Ip("ff02::1")));
  EXPECT_TRUE(IsBroadcast(Ip("255.255.255.255")));
  for (std::string_view ordinary : {"10.0.0.1", "192.168.1.10", "2001:db8::1"}) {
    IpAddress address = Ip(ordinary);
    EXPECT_FALSE(IsLoopback(address) || IsUnspecified(address) || IsLinkLocal(address) ||
                 IsMulticast(address) || IsBroadcast(address))
        << ordinary;
  }
}

}  // namespace
}  // namespace sr::net
