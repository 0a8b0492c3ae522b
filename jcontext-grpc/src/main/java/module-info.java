/**
 * jcontext for gRPC: client and server interceptors that carry deadline budgets, cancellation
 * causes and request values across calls, and interop with {@code io.grpc.Context}.
 */
module io.jcontext.grpc {
  requires transitive io.jcontext;
  requires transitive io.grpc;
  requires static transitive org.jspecify;

  exports io.jcontext.grpc;
}
