/**
 * The MPR dialect of JSON-RPC 2.0 on the wire (that of the npm library rpc-websockets): decoding frames and
 * params ({@link io.github.mpr4j.protocol.jsonrpc.JsonRpcCodec}, the server's fast path
 * {@link io.github.mpr4j.protocol.jsonrpc.AddMessageFrame}) and writing requests and answers. Shared by the
 * server and the client; applications use the repository interface instead.
 *
 * <p>Types in this package are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.mpr4j.protocol.jsonrpc;

import org.jspecify.annotations.NullMarked;
