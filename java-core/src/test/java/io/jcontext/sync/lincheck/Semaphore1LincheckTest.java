package io.jcontext.sync.lincheck;

/** {@link AbstractSemaphoreLincheck} with one permit: the semaphore as a lock. */
public class Semaphore1LincheckTest extends AbstractSemaphoreLincheck {
  public Semaphore1LincheckTest() {
    super(1);
  }
}
