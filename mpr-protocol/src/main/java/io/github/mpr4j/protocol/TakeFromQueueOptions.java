package io.github.mpr4j.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Parameters of takeFromQueue.
 *
 * @param connectionId the queue to take from
 * @param recipientDid when not {@code null}, only messages whose recipientDids contain it
 * @param limit the most messages to return; {@code null} for the repository's maximum batch
 * @param limitBytes the most bytes (sum of {@link EncryptedMessage#byteSize()}) to return, or {@code null}
 * @param deleteMessages {@code true} to remove the returned messages, {@code false} to mark them sending
 */
public record TakeFromQueueOptions(String connectionId, @Nullable String recipientDid, @Nullable Integer limit,
    @Nullable Integer limitBytes,
    boolean deleteMessages) {
  /**
   * Checks the fields.
   *
   * @param connectionId the queue to take from
   * @param recipientDid when not {@code null}, only messages whose recipientDids contain it
   * @param limit the most messages to return; {@code null} for the repository's maximum batch
   * @param limitBytes the most bytes (sum of {@link EncryptedMessage#byteSize()}) to return, or {@code null}
   * @param deleteMessages {@code true} to remove the returned messages, {@code false} to mark them sending
   * @throws MprRpcException -32602 naming the field when {@code connectionId} is null or empty, {@code
   *     recipientDid} is empty, {@code limit} is negative or {@code limitBytes} is not positive
   */
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

  /**
   * A builder for the given connection: no filter, no limits, deleteMessages false.
   *
   * @param connectionId the queue to take from (checked by {@link Builder#build()})
   * @return the builder
   */
  public static Builder builder(String connectionId) {
    return new Builder(connectionId);
  }

  /** Builds {@link TakeFromQueueOptions}. */
  public static final class Builder {
    private final String connectionId;
    private @Nullable String recipientDid;
    private @Nullable Integer limit;
    private @Nullable Integer limitBytes;
    private boolean deleteMessages;

    private Builder(String connectionId) {
      this.connectionId = connectionId;
    }

    /**
     * Only messages whose recipientDids contain this recipient key.
     *
     * @param recipientDid the recipient key; {@code null} (the default) for every message of the connection
     * @return this builder
     */
    public Builder recipientDid(@Nullable String recipientDid) {
      this.recipientDid = recipientDid;
      return this;
    }

    /**
     * At most this many messages.
     *
     * @param limit the most messages to return (>= 0); {@code null} (the default) for the repository's maximum
     *     batch
     * @return this builder
     */
    public Builder limit(@Nullable Integer limit) {
      this.limit = limit;
      return this;
    }

    /**
     * At most this many bytes of messages (the sum of their {@link EncryptedMessage#byteSize()}).
     *
     * @param limitBytes the most bytes to return (> 0); {@code null} (the default) for no byte limit
     * @return this builder
     */
    public Builder limitBytes(@Nullable Integer limitBytes) {
      this.limitBytes = limitBytes;
      return this;
    }

    /**
     * Remove the returned messages instead of marking them sending.
     *
     * @param deleteMessages {@code true} to remove them, {@code false} (the default) to mark them sending
     * @return this builder
     */
    public Builder deleteMessages(boolean deleteMessages) {
      this.deleteMessages = deleteMessages;
      return this;
    }

    /**
     * The options.
     *
     * @return the options
     * @throws MprRpcException -32602 naming the bad field
     */
    public TakeFromQueueOptions build() {
      return new TakeFromQueueOptions(connectionId, recipientDid, limit, limitBytes, deleteMessages);
    }
  }
}
