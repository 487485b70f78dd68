#pragma once
// Fluentd's in_tail position file, byte for byte (spec §2): one line per watched file,
//   <path> TAB <pos: 16 lowercase hex> TAB <inode: 16 lowercase hex> LF
// updated in place with pwrite (lines never change length), never fsync'ed. `ffffffffffffffff`
// marks an unwatched entry. Loading compacts the file; unlike Fluentd the rewrite goes through
// a temporary file and a rename, so a crash never leaves it empty.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace shipper::tail {

inline constexpr uint64_t kUnwatchedPosition = 0xffffffffffffffffull;

struct PosEntry {
  std::string path;
  uint64_t pos = 0;
  uint64_t inode = 0;
  off_t line_offset = 0;  // where this entry's line starts in the file
};

// Parses the text of a pos file with Fluentd's reader tolerance; unparsable lines are skipped
// (counted in `skipped`).
std::vector<PosEntry> parse_pos_file(const std::string& text, size_t* skipped = nullptr);
// One canonical line.
std::string format_pos_line(const std::string& path, uint64_t pos, uint64_t inode);

class PositionFile {
 public:
  PositionFile() = default;
  ~PositionFile();
  PositionFile(const PositionFile&) = delete;
  PositionFile& operator=(const PositionFile&) = delete;

  // Opens (creating it and its directory) and compacts: unwatched entries dropped, the last of
  // duplicated keys kept, entries for which keep(entry) is false dropped.
  Status open(const std::string& path, mode_t file_mode, mode_t dir_mode,
              const std::function<bool(const PosEntry&)>& keep);

  // Periodic compaction (pos_file_compaction_interval): rewrites the file from the entries in
  // memory without unwatched ones and without duplicated keys (the last one kept). Entries that
  // survive keep their address (callers hold PosEntry pointers); dropped ones must not be held.
  Status compact();
  // follow_inodes: entries are keyed by inode (duplicates detected by inode, not path).
  void set_key_by_inode(bool on) { by_inode_ = on; }

  PosEntry* find(const std::string& path);
  // The watched entry for an inode (follow_inodes).
  PosEntry* find_inode(uint64_t inode);
  // Appends a new entry.
  PosEntry* add(const std::string& path, uint64_t pos, uint64_t inode);
  void update_pos(PosEntry* e, uint64_t pos);
  void update(PosEntry* e, uint64_t pos, uint64_t inode);
  void unwatch(PosEntry* e) { update_pos(e, kUnwatchedPosition); }
  size_t unparsable_lines() const { return skipped_; }
  // Every entry, watched or not, in file order.
  const std::list<PosEntry>& entries() const { return entries_; }

 private:
  void write_at(off_t offset, const std::string& bytes);
  Status rewrite(const std::string& text, mode_t file_mode);
  std::string path_;
  int fd_ = -1;
  off_t end_ = 0;
  std::list<PosEntry> entries_;  // stable addresses across compaction
  size_t skipped_ = 0;
  mode_t file_mode_ = 0644;
  bool by_inode_ = false;
};

}  // namespace shipper::tail
