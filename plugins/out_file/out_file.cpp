// out_file: writes each flushed chunk to a file named from `path` (placeholders, time slice from
// the timekey, `_N` counter unless `append`, `.log` suffix, `.gz` with compress gzip), as
// Fluentd's out_file does. Events are formatted when they are buffered (<format>, default
// out_file), so chunks hold the formatted text — the same content as Fluentd's out_file chunks.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "buffer/buffered_output.hpp"
#include "buffer/compression.hpp"
#include "buffer/file_buffer.hpp"
#include "buffer/fs.hpp"
#include "config/schema.hpp"
#include "engine/registry.hpp"
#include "engine/sub_plugin.hpp"

namespace shipper::out_file {

struct Params : buffer::OutputParams {
  std::string path;
  bool add_path_suffix = true;
  std::string path_suffix = ".log";
  bool append = false;
  std::string compress = "text";
  bool recompress = false;
  std::optional<std::string> symlink_path;
  config::PluginSection format;

  static void describe(config::Schema<Params>& s) {
    buffer::describe_output_params(s, "file");
    s.param("path", &Params::path)
        .required()
        .help("output file path; placeholders and '*' allowed");
    s.param("add_path_suffix", &Params::add_path_suffix)
        .help("append path_suffix to the file name");
    s.param("path_suffix", &Params::path_suffix).help("suffix of written files");
    s.param("append", &Params::append)
        .help("append each chunk to one file instead of a new _N file per chunk");
    s.param("compress", &Params::compress)
        .one_of({"text", "gz", "gzip"})
        .help("gzip written files");
    s.param("recompress", &Params::recompress)
        .help("gzip again even when the buffer chunk is gzipped");
    s.param("symlink_path", &Params::symlink_path).help("symlink to the latest file buffer chunk");
    s.plugin_section("format", &Params::format, config::PluginKind::kFormatter)
        .default_type("out_file")
        .help("how each event is written");
  }
};

// Fluentd's timekey_to_timeformat.
std::string timekey_to_timeformat(int64_t timekey) {
  if (timekey <= 0) return "";
  if (timekey < 60) return "%Y%m%d%H%M%S";
  if (timekey < 3600) return "%Y%m%d%H%M";
  if (timekey < 86400) return "%Y%m%d%H";
  return "%Y%m%d";
}

// Fluentd's generate_path_template:
//   /dir/file.*      -> /dir/file.%Y%m%d_**        /dir/file.*.data -> /dir/file.%Y%m%d_**.data
//   /dir/file        -> /dir/file.%Y%m%d_**.log    (no `_**` with append; + .gz when gzipped)
std::string generate_path_template(const std::string& original, int64_t timekey, bool append,
                                   bool gzip, const std::string& path_suffix, std::string* error) {
  std::string comp = gzip ? ".gz" : "";
  std::string index = append ? "" : "_**";
  if (original.find('*') != std::string::npos) {
    std::string out;
    for (char c : original) {
      if (c == '*')
        out += timekey_to_timeformat(timekey) + index;
      else
        out += c;
    }
    return out + comp;
  }
  if (timekey > 0) {
    std::string tp = timekey_to_timeformat(timekey);
    bool any = false, all = true;
    for (size_t i = 0; i + 1 < tp.size(); i += 2) {
      bool has = original.find(tp.substr(i, 2)) != std::string::npos;
      any = any || has;
      all = all && has;
    }
    if (any) {
      if (!all && error) *error = "insufficient timestamp placeholders in path";
      return original + index + path_suffix + comp;
    }
    return original + "." + tp + index + path_suffix + comp;
  }
  return original + index + path_suffix + comp;
}

class FileOutput : public buffer::BufferedOutput {
 public:
  using Params = out_file::Params;

  FileOutput(Params p, PluginContext& ctx)
      : BufferedOutput(ctx, p, options_for(p)), p_(std::move(p)), ctx_(ctx) {
    bool gzip = p_.compress != "text";
    if (p_.path.find('*') != std::string::npos && !chunk_keys().time)
      throw_config("path including '*' must be used with buffer chunk key 'time'");
    std::string err;
    path_template_ =
        generate_path_template(p_.path, chunk_keys().time ? chunk_keys().timekey : 0, p_.append,
                               gzip, p_.add_path_suffix ? p_.path_suffix : "", &err);
    if (!err.empty()) throw_config(err);
    validate_placeholders("path", path_template_);
    if (p_.format.present()) {
      formatter_ = create_sub_plugin<Formatter>(ctx, p_.format, config::PluginKind::kFormatter);
    } else {
      default_format_.name = "format";
      if (ctx.element) default_format_.loc = ctx.element->loc;
      formatter_ = create_sub_plugin<Formatter>(ctx, default_format_,
                                                config::PluginKind::kFormatter, "out_file");
    }
    auto mode = [](const std::string& s, int fallback) {
      try {
        return static_cast<int>(std::stoul(s, nullptr, 8));
      } catch (...) {
        return fallback;
      }
    };
    file_mode_ = ctx.system ? mode(ctx.system->file_permission, 0644) : 0644;
    dir_mode_ = ctx.system ? mode(ctx.system->dir_permission, 0755) : 0755;
    if (p_.symlink_path) {
      buffer().set_chunk_created_hook([this](const buffer::StoredChunk& c) { update_symlink(c); });
    }
  }

  Status start() override {
    if (Status st = formatter_->start(); !st) return st;
    return BufferedOutput::start();
  }

  const std::string& path_template() const { return path_template_; }

 protected:
  bool formats_events() const override { return true; }
  void format(std::string_view tag, EventTime time, std::string_view record,
              std::string& out) override {
    formatter_->format(tag, time, record, out);
  }

  Status write(const buffer::Chunk& chunk) override {
    auto path = extract_placeholders(path_template_, chunk);
    if (!path) return path.status();
    auto& fs = buffer::FileSystem::posix();
    std::string dir = path->substr(0, path->rfind('/'));
    if (!dir.empty()) {
      Status st = fs.mkdirs(dir, dir_mode_);
      if (!st) return st;
    }
    std::string content;
    bool gzip = p_.compress != "text";
    Status st;
    if (gzip && chunk.compression() == buffer::Compression::kGzip && !p_.recompress) {
      st = chunk.read_raw(content);
    } else {
      std::string plain;
      st = chunk.read(plain);
      if (st && gzip)
        st = buffer::compress_append(buffer::Compression::kGzip, plain, content);
      else
        content = std::move(plain);
    }
    if (!st) return st;
    std::string target = *path;
    if (!p_.append) {
      // The first free `_N` name, as Fluentd's find_filepath_available.
      size_t at = target.find("_**");
      if (at == std::string::npos)
        return error(StatusCode::kInternal, "index placeholder not found in path: " + target);
      for (int i = 0;; ++i) {
        std::string candidate =
            target.substr(0, at) + "_" + std::to_string(i) + target.substr(at + 3);
        if (::access(candidate.c_str(), F_OK) != 0) {
          target = candidate;
          break;
        }
      }
    }
    auto fd = fs.open_append(target, file_mode_);
    if (!fd) return fd.status();
    st = fs.write(*fd, content);
    fs.close(*fd);
    return st;
  }

 private:
  static buffer::BufferedOutputOptions options_for(const Params& p) {
    buffer::BufferedOutputOptions o;
    o.default_buffer_type = "file";
    o.default_chunk_keys = {"time"};
    o.default_timekey = 86400;
    o.default_buffer_path = p.path;
    return o;
  }
  [[noreturn]] void throw_config(const std::string& msg) {
    config::Diagnostic d;
    if (ctx_.element) d.loc = ctx_.element->loc;
    d.code = "invalid-parameter";
    d.message = msg;
    throw config::ConfigException{d};
  }
  void update_symlink(const buffer::StoredChunk& c) {
    auto* fc = dynamic_cast<const buffer::FileChunk*>(&c);
    if (!fc) return;
    int64_t tk = c.metadata().timekey.value_or(0);
    if (tk < latest_timekey_) return;
    latest_timekey_ = tk;
    std::string tmp = *p_.symlink_path + ".tmp";
    ::unlink(tmp.c_str());
    if (::symlink(fc->path().c_str(), tmp.c_str()) == 0)
      ::rename(tmp.c_str(), p_.symlink_path->c_str());
  }

  Params p_;
  PluginContext& ctx_;
  std::string path_template_;
  config::Element default_format_;
  SubPlugin<Formatter> formatter_;
  int file_mode_ = 0644;
  int dir_mode_ = 0755;
  int64_t latest_timekey_ = INT64_MIN;
};

}  // namespace shipper::out_file

namespace shipper {
void register_plugin_out_file(Registry& registry) {
  registry.add<out_file::FileOutput>(config::PluginKind::kOutput, "file",
                                     "writes events to files (time-sliced, placeholders, gzip)");
}
}  // namespace shipper
