module io.jcontext.consumer {
  requires io.jcontext;
}
