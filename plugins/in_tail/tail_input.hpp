#pragma once
// in_tail: follows files like `tail -F`, parses each line and emits events (spec §1, §2).
// One reading thread per source: it expands `path` every refresh_interval, stats every watched
// file on a short interval (inotify wakes it earlier), reads new bytes, cuts lines at "\n",
// parses them into one EventBatch per read_lines_limit lines and emits it; only when emit()
// returns ok does the position (and the pos file) move past those lines.
#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/time_zone.hpp"
#include "engine/plugin.hpp"
#include "io/tail/pos_file.hpp"
#include "plugins/in_tail/line_encoding.hpp"
#include "plugins/in_tail/tail_params.hpp"

namespace shipper::in_tail {

struct Watcher;
class GroupThrottle;

class TailInput : public Input {
 public:
  using Params = in_tail::Params;
  TailInput(Params params, PluginContext& ctx);
  ~TailInput() override;
  Status start() override;
  void stop() override;
  void shutdown() override;
  void close() override;
  // tail_files (one per watched file) and Fluentd's in_tail counters.
  void report(PluginReport& report) const override;

  // The event tag of a watched path (spec §1.4).
  static std::string tag_for(const std::string& tag, const std::string& path);
  // The concrete paths `path` and `exclude_path` select now, in order.
  std::vector<std::string> expand_paths() const;

 private:
  friend class BatchSink;
  void run();
  void refresh(bool startup);
  void add_watcher(const std::string& path, bool startup);
  void refresh_by_inode(const std::vector<std::string>& targets, bool startup, double now);
  void check_rotation(Watcher& w, double now);
  // Reads and emits what the file has; false when back-pressure stopped it.
  bool drain(Watcher& w, double now, int max_batches, bool* more);
  bool read_batches(Watcher& w, double now, int max_batches, bool* more);
  void process_line(Watcher& w, std::string_view line_with_nl, EventBatch& batch, double now);
  // Parses `text` into `batch`. Quiet: all-or-nothing, no warnings (multiline without
  // format_firstline); returns whether a record was added.
  bool parse_into(Watcher& w, std::string_view text, EventBatch& batch, bool quiet = false,
                  bool at_shutdown = false);
  void flush_multiline(Watcher& w, EventBatch& batch, bool at_shutdown);
  // Starts a batch of `w`'s events: its tag, and what finish_record adds to each record.
  void begin_batch(Watcher& w, EventBatch& batch);
  // Adds path_key (unless the record has that key), then the pairs of the route's leading
  // filters that only add pairs, to the record at `map_pos`, the last thing in `entries`.
  void finish_record(std::string& entries, size_t map_pos) const;
  // What finish_record adds, as one appendix for the parser to add itself (see
  // Parser::Sink::record_appendix); null when there is nothing, or when one key comes twice.
  const MapAppendix* record_pairs() const;
  bool emit(Watcher& w, EventBatch& batch);
  void close_watcher(Watcher& w);
  void close_fd(Watcher& w);
  // Lines the watcher's <group> lets it emit now (0: throttled, retry_after set).
  size_t group_allowance(Watcher& w, double now);
  // open_on_every_update: opens the path again if it still names the watched file.
  void reopen_for_update(Watcher& w);
  void wait(double seconds);
  void warn_limited(const std::string& message);

  Params params_;
  PluginContext ctx_;
  std::vector<std::string> patterns_;
  std::optional<TimeZone> path_zone_;  // path_timezone; none: process local time
  std::unique_ptr<Parser> parser_;
  EventBatch batch_;  // what read_batches fills
  // For the batch being filled (one at a time, on the reading thread): see begin_batch.
  MapAppendix path_pair_{MapAppendix::OnPresent::kKeep};
  RecordSteps steps_;
  MapAppendix merged_pairs_;  // path_pair_ then every step's pairs
  bool merged_pairs_ok_ = false;
  LineConverter converter_;  // from_encoding → encoding; inactive otherwise
  bool multiline_mode_ = false;
  tail::PositionFile pos_file_;
  std::unique_ptr<GroupThrottle> groups_;  // <group>; null without one
  // The reading thread is the only one that changes the two lists, and holds this while it
  // does; report() holds it to read them from another thread.
  mutable std::mutex lists_mu_;
  std::vector<std::unique_ptr<Watcher>> watchers_;  // one per path
  std::vector<std::unique_ptr<Watcher>> rotated_;   // old files read during rotate_wait
  // Fluentd's in_tail metrics (monitor_agent: opened/closed/rotated/throttled_..._count).
  Counter opened_files_;
  Counter closed_files_;
  Counter rotated_files_;
  Counter throttled_reads_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  int wake_fd_ = -1;  // eventfd: stop
  int inotify_fd_ = -1;
  std::unordered_map<int, std::string> inotify_paths_;
  double warn_window_start_ = 0;
  int warns_in_window_ = 0;
  int64_t suppressed_warns_ = 0;
};

}  // namespace shipper::in_tail
