package io.github.mpr4j.core;

import java.io.Closeable;
import java.io.IOException;

/** Small pieces of the tests' TCP relays (which stand between a driver and a real server on loopback). */
public final class TestSockets {
  private TestSockets() {}

  /** Whether {@code what} occurs in the first {@code length} bytes of {@code buffer}. */
  public static boolean contains(byte[] buffer, int length, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= length; i++) {
      for (int k = 0; k < what.length; k++) {
        if (buffer[i + k] != what[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Closes a socket (or server socket), ignoring that it failed or was closed. */
  public static void closeQuietly(Closeable socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  /** Starts a daemon thread. */
  public static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
