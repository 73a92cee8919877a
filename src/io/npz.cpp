#include "tavrnn/io/npz.h"

#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <ctime>
#include <deque>
#include <memory>
#include <set>

#include "tavrnn/util/error.h"
#include "tavrnn/io/atomic_file.h"
#include "tavrnn/io/npy.h"

namespace tavrnn::io {
namespace {

constexpr std::string_view kSuffix = ".npy";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

std::string describe_open_error(zip_error_t* error) {
  switch (zip_error_code_zip(error)) {
    case ZIP_ER_NOZIP:
      return "not a zip archive (is it an .npz?)";
    case ZIP_ER_INCONS:
      return "inconsistent zip archive (truncated or damaged?)";
    default:
      return fmt::format("cannot open as a zip archive: {}", zip_error_strerror(error));
  }
}

// Reads one member to the end: libzip checks the CRC only once the last
// byte has been read, so a damaged member is reported, not returned.
std::string read_member(zip_t* archive, zip_uint64_t index, const std::string& origin, zip_uint64_t archive_bytes) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive, index, 0, &stat) != 0) {
    throw Error(
        fmt::format("reading {}: cannot stat the member: {}", origin, zip_strerror(archive)));
  }
  // A forged size is refused before anything is allocated: a member's
  // compressed bytes lie inside the archive, and deflate expands at most
  // 1,032-fold, so a member holds at most 1,032 times the smaller of its
  // compressed size and the archive's size.
  const bool has_size = (stat.valid & ZIP_STAT_SIZE) != 0;
  const zip_uint64_t compressed =
      (stat.valid & ZIP_STAT_COMP_SIZE) != 0 ? std::min<zip_uint64_t>(stat.comp_size, archive_bytes) : archive_bytes;
  const zip_uint64_t most = compressed * 1032 + 1024;
  if (has_size && stat.size > most) {
    throw Error(fmt::format("reading {}: the member claims {} bytes, more than its {} compressed bytes can hold "
                            "(at most {}): a damaged or forged archive",
                            origin, stat.size, compressed, most));
  }
  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive, index, 0));
  if (!file) {
    throw Error(
        fmt::format("reading {}: cannot open the member: {}", origin, zip_strerror(archive)));
  }
  std::string bytes;
  // The declared size (checked above) sizes the allocation: growing by
  // doubling instead cost a 2 GB member four copies.
  if (has_size) bytes.reserve(static_cast<std::size_t>(stat.size));
  char chunk[1 << 16];
  while (true) {
    const zip_int64_t n = zip_fread(file.get(), chunk, sizeof chunk);
    if (n < 0) {
      throw Error(fmt::format("reading {}: cannot decompress the member: {}", origin,
                              zip_file_strerror(file.get())));
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  if (has_size && bytes.size() != stat.size) {
    throw Error(fmt::format("reading {}: expected {} bytes in the member, found {}", origin,
                            stat.size, bytes.size()));
  }
  return bytes;
}

// Seconds since the epoch for 1980-01-01 00:00 local time, the earliest
// time a zip entry can hold: fixed times make equal inputs give equal files.
std::time_t zip_epoch() {
  std::tm tm{};
  tm.tm_year = 80;
  tm.tm_mday = 1;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

// `key` is not among `present` (a map keyed by the names there are).
template <typename Map>
Error missing_array(const std::filesystem::path& path, const std::string& key, const Map& present) {
  std::string names;
  for (const auto& entry : present) names += (names.empty() ? "" : ", ") + entry.first;
  return Error(fmt::format("reading {}: missing array '{}' (found: {})", path.string(), key,
                           names.empty() ? "no arrays" : names));
}

}  // namespace

NpzArrays read_npz(const std::filesystem::path& path) {
  const std::string name = path.string();
  const std::string bytes = read_file_bytes(path);
  if (bytes.empty()) {
    throw Error(fmt::format("reading {}: empty file, expected an .npz (zip) archive", name));
  }
  zip_error_t error;
  zip_error_init(&error);
  // `bytes` outlives the archive (closed at the end of this function), so
  // libzip may borrow the buffer.
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    const std::string what = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error(fmt::format("reading {}: {}", name, what));
  }
  Archive archive(zip_open_from_source(source, ZIP_RDONLY, &error));
  if (!archive) {
    zip_source_free(source);  // only an opened archive takes ownership of the source
    const std::string what = describe_open_error(&error);
    zip_error_fini(&error);
    throw Error(fmt::format("reading {}: {}", name, what));
  }
  zip_error_fini(&error);

  NpzArrays arrays;
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    const char* raw_name = zip_get_name(archive.get(), index, 0);
    if (raw_name == nullptr) {
      throw Error(fmt::format("reading {}: cannot read the name of member {}: {}", name, i,
                              zip_strerror(archive.get())));
    }
    const std::string member = raw_name;
    // np.load exposes other members as raw bytes; tavrnn has no use for them.
    if (!ends_with(member, kSuffix)) continue;
    const std::string key = member.substr(0, member.size() - kSuffix.size());
    const std::string origin = fmt::format("{}: array '{}'", name, key);
    if (arrays.count(key) != 0) {
      throw Error(fmt::format("reading {}: expected one member '{}', found several", name, member));
    }
    arrays.emplace(key, parse_npy(read_member(archive.get(), index, origin, bytes.size()), origin));
  }
  return arrays;
}

struct NpzReader::Impl {
  std::filesystem::path path;
  std::shared_ptr<zip_t> archive;
  std::map<std::string, zip_uint64_t> members;  // key -> index
  zip_uint64_t bytes = 0;                        // the file's size

  zip_uint64_t index(const std::string& key) const {
    const auto found = members.find(key);
    if (found != members.end()) return found->second;
    throw missing_array(path, key, members);
  }
};

NpzReader::NpzReader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  const std::string name = path.string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(fmt::format("reading {}: cannot open: {}", name, ec.message()));
  if (size == 0) throw Error(fmt::format("reading {}: empty file, expected an .npz (zip) archive", name));
  impl_->bytes = size;
  int code = 0;
  zip_t* raw = zip_open(name.c_str(), ZIP_RDONLY, &code);
  if (raw == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string what = describe_open_error(&error);
    zip_error_fini(&error);
    throw Error(fmt::format("reading {}: {}", name, what));
  }
  impl_->archive.reset(raw, zip_discard);
  const zip_int64_t entries = zip_get_num_entries(raw, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    const char* raw_name = zip_get_name(raw, index, 0);
    if (raw_name == nullptr) {
      throw Error(fmt::format("reading {}: cannot read the name of member {}: {}", name, i, zip_strerror(raw)));
    }
    const std::string member = raw_name;
    if (!ends_with(member, kSuffix)) continue;
    const std::string key = member.substr(0, member.size() - kSuffix.size());
    if (!impl_->members.emplace(key, index).second) {
      throw Error(fmt::format("reading {}: expected one member '{}', found several", name, member));
    }
  }
}

NpzReader::~NpzReader() = default;
NpzReader::NpzReader(NpzReader&&) noexcept = default;
NpzReader& NpzReader::operator=(NpzReader&&) noexcept = default;

const std::filesystem::path& NpzReader::path() const { return impl_->path; }

std::vector<std::string> NpzReader::keys() const {
  std::vector<std::string> out;
  for (const auto& [key, index] : impl_->members) out.push_back(key);
  return out;
}

bool NpzReader::has(const std::string& key) const { return impl_->members.count(key) > 0; }

NdArray NpzReader::read(const std::string& key) const {
  const std::string origin = fmt::format("{}: array '{}'", impl_->path.string(), key);
  return parse_npy(read_member(impl_->archive.get(), impl_->index(key), origin, impl_->bytes), origin);
}

NpyReader NpzReader::stream(const std::string& key) const {
  const std::string origin = fmt::format("{}: array '{}'", impl_->path.string(), key);
  zip_t* archive = impl_->archive.get();
  zip_file_t* opened = zip_fopen_index(archive, impl_->index(key), 0);
  if (opened == nullptr) {
    throw Error(fmt::format("reading {}: cannot open the member: {}", origin, zip_strerror(archive)));
  }
  // The member keeps the archive open, however long it outlives the reader.
  std::shared_ptr<zip_file_t> file(opened, [archive_kept = impl_->archive](zip_file_t* f) { zip_fclose(f); });
  // libzip checks the CRC when the last byte has been read: a damaged member
  // fails there, as in read_member.
  return NpyReader(
      [file, origin](char* out, std::size_t size) -> std::size_t {
        const zip_int64_t n = zip_fread(file.get(), out, size);
        if (n < 0) {
          throw Error(fmt::format("reading {}: cannot decompress the member: {}", origin,
                                  zip_file_strerror(file.get())));
        }
        return static_cast<std::size_t>(n);
      },
      origin);
}

const NdArray& require_array(const NpzArrays& arrays, const std::string& key,
                             const std::filesystem::path& path) {
  const auto found = arrays.find(key);
  if (found != arrays.end()) return found->second;
  throw missing_array(path, key, arrays);
}

void write_npz(const std::filesystem::path& path,
               const std::vector<std::pair<std::string, NdArray>>& arrays, bool compress) {
  const std::string name = path.string();
  std::set<std::string> seen;
  // libzip borrows these buffers until zip_close; a deque never moves its
  // elements, so the pointers handed out stay valid.
  std::deque<std::string> members;
  for (const auto& [key, array] : arrays) {
    if (key.empty()) throw Error(fmt::format("writing {}: an array has an empty name", name));
    if (!seen.insert(key).second) {
      throw Error(fmt::format("writing {}: array '{}' is given twice", name, key));
    }
    try {
      members.push_back(serialize_npy(array));
    } catch (const Error& e) {
      throw Error(fmt::format("writing {}: array '{}': {}", name, key, e.what()));
    }
  }
  if (arrays.empty()) {
    // libzip deletes an archive left with no entries; numpy writes an empty
    // zip (just the end-of-central-directory record), so do the same.
    write_file_atomically(path,
                          std::string_view("PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22));
    return;
  }

  AtomicPath atomic(path);
  int code = 0;
  zip_t* raw = zip_open(atomic.temporary().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (raw == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string what = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error(fmt::format("writing {}: cannot create the archive: {}", name, what));
  }
  Archive archive(raw);
  const std::time_t mtime = zip_epoch();
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const std::string member = arrays[i].first + std::string(kSuffix);
    zip_source_t* source =
        zip_source_buffer(archive.get(), members[i].data(), members[i].size(), 0);
    if (source == nullptr) {
      throw Error(fmt::format("writing {}: array '{}': {}", name, arrays[i].first,
                              zip_strerror(archive.get())));
    }
    const zip_int64_t index = zip_file_add(archive.get(), member.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);  // not taken over when the add fails
      throw Error(fmt::format("writing {}: array '{}': {}", name, arrays[i].first,
                              zip_strerror(archive.get())));
    }
    const auto at = static_cast<zip_uint64_t>(index);
    // libzip's default deflate level is 9; numpy's (zlib's) is 6. At 9 the
    // 480 MB of counts of 10,000 units x 48,000 bins took 6 minutes; level
    // 1 compresses such counts about 7x faster than 6 for a file about 20 %
    // larger, so large members get 1.
    const zip_uint32_t level = members[i].size() >= (std::size_t{16} << 20) ? 1 : 6;
    if (zip_set_file_compression(archive.get(), at, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                 compress ? level : 0) !=
            0 ||
        zip_file_set_mtime(archive.get(), at, mtime, 0) != 0) {
      throw Error(fmt::format("writing {}: array '{}': {}", name, arrays[i].first,
                              zip_strerror(archive.get())));
    }
  }
  if (zip_close(archive.get()) != 0) {
    throw Error(fmt::format("writing {}: cannot finish the archive: {}", name,
                            zip_strerror(archive.get())));
  }
  archive.release();  // zip_close freed it
  atomic.commit();
}

}  // namespace tavrnn::io
