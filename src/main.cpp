// shipper: command line only. Flags become an Engine run or a lint.
#include <cstdio>
#include <cstring>

#include "engine/registry.hpp"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("shipper %s\n", SHIPPER_VERSION);
      return 0;
    }
    if (std::strcmp(argv[i], "--list-plugins") == 0) {
      for (const auto* info : shipper::Registry::builtin().all())
        std::printf("%s %s\n", shipper::config::plugin_kind_name(info->kind), info->name.c_str());
      return 0;
    }
  }
  std::fprintf(stderr, "shipper: not implemented yet\n");
  return 1;
}
