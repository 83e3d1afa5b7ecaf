package io.github.mpr4j.bench.load;

/** The payloads of the load tool, for the JMH benchmarks. */
public final class BenchPayloads {
  private BenchPayloads() {}

  /** The 1 KiB JWE-like object the load tool sends. */
  public static String jwe1k() {
    return Payloads.jwe(1024, 42);
  }
}
