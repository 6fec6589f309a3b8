#include "zip_builder.h"

#include <array>
#include <cstdint>
#include <random>

namespace sr::file_distribution::testing {

namespace {

std::uint32_t Crc32(const std::string& bytes) {
  static const std::array<std::uint32_t, 256> kTable = [] {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t value = i;
      for (int bit = 0; bit < 8; ++bit)
        value = (value & 1) ? 0xEDB88320u ^ (value >> 1) : value >> 1;
      table[i] = value;
    }
    return table;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : bytes) crc = kTable[(crc ^ c) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

void Put16(std::string& out, std::uint32_t value) {
  out += static_cast<char>(value & 0xFF);
  out += static_cast<char>((value >> 8) & 0xFF);
}
void Put32(std::string& out, std::uint32_t value) {
  Put16(out, value & 0xFFFF);
  Put16(out, value >> 16);
}

}  // namespace

std::string MakeZip(const ZipEntries& entries, const std::string& comment) {
  std::vector<ZipEntrySpec> specs;
  for (const auto& [name, contents] : entries) specs.push_back(ZipEntrySpec{name, contents});
  return MakeZipOf(specs, comment);
}

std::string MakeZipOf(const std::vector<ZipEntrySpec>& entries, const std::string& comment) {
  std::string archive;
  std::string directory;
  for (const ZipEntrySpec& entry : entries) {
    const std::string& name = entry.name;
    const std::string& contents = entry.contents;
    const std::string& local_name = entry.local_name.value_or(name);
    auto offset = static_cast<std::uint32_t>(archive.size());
    std::uint32_t crc = Crc32(contents);
    auto size = static_cast<std::uint32_t>(contents.size());
    Put32(archive, 0x04034b50);
    Put16(archive, 10);    // version needed
    Put16(archive, 0);     // flags
    Put16(archive, 0);     // stored
    Put16(archive, 0);     // time
    Put16(archive, 0x21);  // date: 1980-01-01
    Put32(archive, crc);
    Put32(archive, size);
    Put32(archive, size);
    Put16(archive, static_cast<std::uint32_t>(local_name.size()));
    Put16(archive, static_cast<std::uint32_t>(entry.local_extra.size()));
    archive += local_name;
    archive += entry.local_extra;
    archive += contents;

    Put32(directory, 0x02014b50);
    Put16(directory, entry.made_by);
    Put16(directory, 10);
    Put16(directory, 0);
    Put16(directory, 0);
    Put16(directory, 0);
    Put16(directory, 0x21);
    Put32(directory, crc);
    Put32(directory, size);
    Put32(directory, size);
    Put16(directory, static_cast<std::uint32_t>(name.size()));
    Put16(directory, static_cast<std::uint32_t>(entry.central_extra.size()));
    Put16(directory, 0);                      // comment
    Put16(directory, 0);                      // disk
    Put16(directory, 0);                      // internal attributes
    Put32(directory, entry.unix_mode << 16);  // external attributes
    Put32(directory, offset);
    directory += name;
    directory += entry.central_extra;
  }
  auto directory_offset = static_cast<std::uint32_t>(archive.size());
  archive += directory;
  Put32(archive, 0x06054b50);
  Put16(archive, 0);
  Put16(archive, 0);
  Put16(archive, static_cast<std::uint32_t>(entries.size()));
  Put16(archive, static_cast<std::uint32_t>(entries.size()));
  Put32(archive, static_cast<std::uint32_t>(directory.size()));
  Put32(archive, directory_offset);
  Put16(archive, static_cast<std::uint32_t>(comment.size()));
  archive += comment;
  return archive;
}

std::string UnicodePathExtra(const std::string& name) {
  std::string extra;
  Put16(extra, 0x7075);
  Put16(extra, static_cast<std::uint32_t>(1 + 4 + name.size()));
  extra += '\x01';  // version
  Put32(extra, 0);  // CRC-32 of the header's name (tools check it; this check does not)
  extra += name;
  return extra;
}

std::string RandomBytes(std::size_t size, unsigned seed) {
  std::mt19937_64 generator(seed);
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t value = generator();
    for (std::size_t j = 0; j < 8 && i + j < size; ++j) {
      bytes[i + j] = static_cast<char>((value >> (8 * j)) & 0xFF);
    }
  }
  return bytes;
}

std::string MakeZipOfSize(std::size_t size, unsigned seed) {
  return MakeZip({{"game/server.bin", RandomBytes(size, seed)}});
}

}  // namespace sr::file_distribution::testing
