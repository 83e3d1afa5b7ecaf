package io.github.mpr4j.protocol;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link BlockingPickupRepository} over the futures of a repository, each wait bounded. */
final class SyncView implements BlockingPickupRepository {
  private final MessagePickupRepository repository;
  private final Duration maxWait;

  SyncView(MessagePickupRepository repository, Duration maxWait) {
    this.repository = repository;
    this.maxWait = maxWait;
  }

  private <T> T await(String method, CompletableFuture<T> future) {
    try {
      return future.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MprException m) {
        throw m;
      }
      throw new MprTransportException(method + " failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new MprTransportException(method + " got no answer within " + maxWait
          + " (the blocking view's wait); whether the call took effect is unknown", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MprTransportException(method + " was interrupted while waiting for its answer; whether the call"
          + " took effect is unknown", e);
    }
  }

  @Override
  public String addMessage(AddMessageOptions options) {
    return await("addMessage", repository.addMessage(options));
  }

  @Override
  public List<QueuedMessage> takeFromQueue(TakeFromQueueOptions options) {
    return await("takeFromQueue", repository.takeFromQueue(options));
  }

  @Override
  public void removeMessages(RemoveMessagesOptions options) {
    await("removeMessages", repository.removeMessages(options));
  }

  @Override
  public void removeAllMessages(RemoveAllMessagesOptions options) {
    await("removeAllMessages", repository.removeAllMessages(options));
  }

  @Override
  public int getAvailableMessageCount(GetAvailableMessageCountOptions options) {
    return await("getAvailableMessageCount", repository.getAvailableMessageCount(options));
  }

  @Override
  public void addLiveSession(AddLiveSessionOptions options) {
    await("addLiveSession", repository.addLiveSession(options));
  }

  @Override
  public boolean removeLiveSession(RemoveLiveSessionOptions options) {
    return await("removeLiveSession", repository.removeLiveSession(options));
  }

  @Override
  public boolean getLiveSession(GetLiveSessionOptions options) {
    return await("getLiveSession", repository.getLiveSession(options));
  }
}
