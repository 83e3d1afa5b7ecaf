package io.github.mpr4j.protocol;

/**
 * Parameters of takeFromQueue.
 *
 * @param connectionId the queue to take from
 * @param recipientDid when not {@code null}, only messages whose recipientDids contain it
 * @param limit the most messages to return; {@code null} for the repository's maximum batch
 * @param limitBytes the most bytes (sum of {@link EncryptedMessage#byteSize()}) to return, or {@code null}
 * @param deleteMessages {@code true} to remove the returned messages, {@code false} to mark them sending
 */
public record TakeFromQueueOptions(String connectionId, String recipientDid, Integer limit, Integer limitBytes,
    boolean deleteMessages) {
  public TakeFromQueueOptions {
    Checks.nonEmpty("connectionId", connectionId);
    Checks.optional("recipientDid", recipientDid);
    if (limit != null && limit < 0) {
      throw Checks.invalid("limit must be an integer >= 0");
    }
    if (limitBytes != null && limitBytes <= 0) {
      throw Checks.invalid("limitBytes must be an integer > 0");
    }
  }

  /** A builder for the given connection: no filter, no limits, deleteMessages false. */
  public static Builder builder(String connectionId) {
    return new Builder(connectionId);
  }

  /** Builds {@link TakeFromQueueOptions}. */
  public static final class Builder {
    private final String connectionId;
    private String recipientDid;
    private Integer limit;
    private Integer limitBytes;
    private boolean deleteMessages;

    private Builder(String connectionId) {
      this.connectionId = connectionId;
    }

    /** Only messages for this recipient. */
    public Builder recipientDid(String recipientDid) {
      this.recipientDid = recipientDid;
      return this;
    }

    /** At most this many messages. */
    public Builder limit(Integer limit) {
      this.limit = limit;
      return this;
    }

    /** At most this many bytes of messages. */
    public Builder limitBytes(Integer limitBytes) {
      this.limitBytes = limitBytes;
      return this;
    }

    /** Remove the returned messages instead of marking them sending. */
    public Builder deleteMessages(boolean deleteMessages) {
      this.deleteMessages = deleteMessages;
      return this;
    }

    /** The options; throws {@link MprRpcException} naming the bad field. */
    public TakeFromQueueOptions build() {
      return new TakeFromQueueOptions(connectionId, recipientDid, limit, limitBytes, deleteMessages);
    }
  }
}
