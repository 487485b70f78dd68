#pragma once
// Fluentd's placeholders in plugin parameters (out_file's path and others): ${tag}, ${tag[N]},
// ${tag[-N]}, strftime patterns formatted from the chunk's timekey, ${key} / ${$.a.b} for record
// chunk keys and ${chunk_id}.
#include <string>
#include <string_view>

#include "buffer/chunk.hpp"
#include "buffer/chunk_keys.hpp"
#include "core/status.hpp"

namespace shipper::buffer {

// Expands placeholders for a chunk. Values that would make a path escape (an absolute path or a
// `..` component) are an error (kInvalidArgument, i.e. unrecoverable). Unknown ${…} are replaced
// by "" and listed in *warnings.
Result<std::string> expand_placeholders(std::string_view tmpl, const ChunkMetadata& meta,
                                        const ChunkKeys& keys, std::string_view chunk_id_hex,
                                        std::string* warnings = nullptr);
// strftime of `t` (epoch seconds) shifted by `utc_offset` seconds (%z prints that offset).
std::string format_time(std::string_view fmt, int64_t t, int64_t utc_offset);
// Fluentd's configure-time placeholder check (placeholder_validate!). Returns the error message,
// or "" when the template is fine.
std::string validate_placeholders(std::string_view param_name, std::string_view tmpl,
                                  const ChunkKeys& keys);
// The smallest time unit the template's strftime placeholders use, in seconds (1, 60, 3600,
// 86400), or 0 when it has none.
int64_t time_placeholder_granularity(std::string_view tmpl);

}  // namespace shipper::buffer
