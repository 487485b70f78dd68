// shipper: command line only. Flags become an Engine run or a lint (src/app).
#include "app/app.hpp"

int main(int argc, char** argv) {
  return shipper::app::run_app(argc, argv);
}
