package io.github.mpr4j.core;

import io.github.mpr4j.core.spi.QueueStore;
import io.github.mpr4j.core.spi.StoredMessage;
import io.github.mpr4j.core.spi.TakeRequest;
import java.util.Collection;
import java.util.List;

/** A store that forwards every call to another; tests override the calls they want to change. */
class ForwardingQueueStore implements QueueStore {
  final QueueStore delegate;

  ForwardingQueueStore(QueueStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void append(StoredMessage message) {
    delegate.append(message);
  }

  @Override
  public List<StoredMessage> take(TakeRequest request) {
    return delegate.take(request);
  }

  @Override
  public List<StoredMessage> claim(String connectionId, Collection<String> ids, long now, long until) {
    return delegate.claim(connectionId, ids, now, until);
  }

  @Override
  public int release(String connectionId, Collection<String> ids) {
    return delegate.release(connectionId, ids);
  }

  @Override
  public int remove(String connectionId, Collection<String> ids) {
    return delegate.remove(connectionId, ids);
  }

  @Override
  public int removeAll(String connectionId, String recipientDid) {
    return delegate.removeAll(connectionId, recipientDid);
  }

  @Override
  public int count(String connectionId, String recipientDid, long now) {
    return delegate.count(connectionId, recipientDid, now);
  }

  @Override
  public String describe() {
    return "forwarding(" + delegate.describe() + ")";
  }

  @Override
  public void close() {
    delegate.close();
  }
}
