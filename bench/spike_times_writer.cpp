// Not a benchmark: writes a spike-time CSV of N Poisson units for
// bench/spike_reading.sh (10^8 rows in under a minute; numpy's savetxt takes
// many). Rows go one second at a time, so each unit's times ascend.
//
//   spike_times_writer UNITS DURATION_S RATE_HZ OUT.csv [SEED]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: spike_times_writer UNITS DURATION_S RATE_HZ OUT.csv [SEED]\n");
    return 2;
  }
  const int units = std::atoi(argv[1]);
  const double duration = std::atof(argv[2]);
  const double rate = std::atof(argv[3]);
  std::mt19937_64 rng(argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 1);
  std::exponential_distribution<double> gap(rate);
  std::FILE* out = std::fopen(argv[4], "w");
  if (!out || units < 1 || !(duration > 0) || !(rate > 0)) {
    std::fprintf(stderr, "spike_times_writer: bad arguments or cannot write %s\n", argv[4]);
    return 1;
  }
  std::vector<char> buffer(1 << 22);
  std::setvbuf(out, buffer.data(), _IOFBF, buffer.size());
  std::fprintf(out, "unit,time_s\n");
  std::vector<double> next(static_cast<std::size_t>(units));
  for (double& t : next) t = gap(rng);
  long long spikes = 0;
  for (double second = 1.0; second <= duration + 1e-9; second += 1.0) {
    for (int u = 0; u < units; ++u) {
      for (double& t = next[static_cast<std::size_t>(u)]; t < second; t += gap(rng), ++spikes) {
        std::fprintf(out, "%d,%.5f\n", u, t);
      }
    }
  }
  if (std::fclose(out) != 0) return 1;
  std::printf("%lld\n", spikes);
  return 0;
}
