package io.envkeeper.environment;

import java.util.concurrent.Executor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** The threads teardowns run on, apart from the request threads that accept destroys. */
@Configuration(proxyBeanMethods = false)
class TeardownExecutorConfiguration {

  static final String TEARDOWN_EXECUTOR = "teardownExecutor";

  @Bean(TEARDOWN_EXECUTOR)
  Executor teardownExecutor() {
    ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
    executor.setThreadNamePrefix("teardown-");
    executor.setCorePoolSize(4);
    executor.setMaxPoolSize(4);
    // Bounded on shutdown too: a hung step must not hold the process (the reconciler retries).
    executor.setWaitForTasksToCompleteOnShutdown(true);
    executor.setAwaitTerminationSeconds(10);
    executor.initialize();
    return executor;
  }
}
