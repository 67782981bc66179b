package io.envkeeper.ops;

import io.envkeeper.config.EnvkeeperProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Takes the instance lock during start-up; anything that uses the data dir depends on it. */
@Configuration(proxyBeanMethods = false)
class InstanceLockConfiguration {

  @Bean(destroyMethod = "close")
  InstanceLock instanceLock(EnvkeeperProperties envkeeper, InstanceLockProperties properties) {
    return InstanceLock.acquire(envkeeper, properties);
  }
}
