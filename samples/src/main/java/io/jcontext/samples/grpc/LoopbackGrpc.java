package io.jcontext.samples.grpc;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A grpc-java server on 127.0.0.1 and an ephemeral port (Netty transport, plaintext) with a
 * channel to it; closing shuts both down and waits for them.
 */
public final class LoopbackGrpc implements AutoCloseable {
  private final Server server;
  private final ManagedChannel channel;

  /**
   * Starts {@code service} behind {@code serverInterceptors} (the last one runs first) and opens
   * a channel with {@code clientInterceptors}.
   */
  public LoopbackGrpc(ServerServiceDefinition service, List<ServerInterceptor> serverInterceptors,
      List<ClientInterceptor> clientInterceptors) throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(ServerInterceptors.intercept(service, serverInterceptors))
        .build()
        .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .usePlaintext()
        .intercept(clientInterceptors)
        .build();
  }

  /** The channel to the server. */
  public ManagedChannel channel() {
    return channel;
  }

  /** The server's port. */
  public int port() {
    return server.getPort();
  }

  /** Shuts both down and waits (at most 10 s each) for them; keeps an interrupt pending. */
  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
