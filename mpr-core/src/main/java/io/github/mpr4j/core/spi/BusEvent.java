package io.github.mpr4j.core.spi;

import io.github.mpr4j.protocol.QueuedMessage;
import java.util.List;
import java.util.Objects;

/** What one instance tells another over the {@link DeliveryBus}. */
public sealed interface BusEvent {

  /**
   * Messages, already marked sending, for the holder of a live session.
   *
   * @param session the session they are for
   * @param messages the messages, oldest first
   */
  record Delivery(LiveSession session, List<QueuedMessage> messages) implements BusEvent {
    public Delivery {
      Objects.requireNonNull(session, "session");
      messages = List.copyOf(messages);
    }
  }

  /**
   * A session was replaced by a newer one (or removed by another holder): its holder stops delivering.
   *
   * @param session the session that ended
   */
  record SessionEnded(LiveSession session) implements BusEvent {
    public SessionEnded {
      Objects.requireNonNull(session, "session");
    }
  }
}
