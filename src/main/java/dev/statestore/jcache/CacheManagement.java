package dev.statestore.jcache;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A cache's configuration MXBean, and the registration of both JCache MXBeans with the platform
 * MBean server under {@code javax.cache:type=CacheConfiguration|CacheStatistics,CacheManager=<uri>,Cache=<name>}.
 */
final class CacheManagement implements CacheMXBean {
    private final StateStoreCache<?, ?> cache;

    CacheManagement(StateStoreCache<?, ?> cache) {
        this.cache = cache;
    }

    private CompleteConfiguration<?, ?> configuration() {
        return cache.getConfiguration(CompleteConfiguration.class);
    }

    @Override
    public String getKeyType() {
        return configuration().getKeyType().getName();
    }

    @Override
    public String getValueType() {
        return configuration().getValueType().getName();
    }

    @Override
    public boolean isReadThrough() {
        return configuration().isReadThrough();
    }

    @Override
    public boolean isWriteThrough() {
        return configuration().isWriteThrough();
    }

    @Override
    public boolean isStoreByValue() {
        return configuration().isStoreByValue();
    }

    @Override
    public boolean isStatisticsEnabled() {
        return configuration().isStatisticsEnabled();
    }

    @Override
    public boolean isManagementEnabled() {
        return configuration().isManagementEnabled();
    }

    static void register(StateStoreCache<?, ?> cache, String type, Object bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(cache, type);
        try {
            if (!server.isRegistered(name)) {
                server.registerMBean(bean, name);
            }
        } catch (Exception e) {
            throw new CacheException("Cannot register the MXBean " + name + ": " + e.getMessage(), e);
        }
    }

    static void unregister(StateStoreCache<?, ?> cache, String type) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(cache, type);
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (Exception e) {
            throw new CacheException("Cannot unregister the MXBean " + name + ": " + e.getMessage(), e);
        }
    }

    private static ObjectName name(StateStoreCache<?, ?> cache, String type) {
        String manager = safe(cache.getCacheManager().getURI().toString());
        try {
            return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + manager + ",Cache=" + safe(cache.getName()));
        } catch (MalformedObjectNameException e) {
            throw new CacheException("Illegal MXBean name for cache " + cache.getName() + ": " + e.getMessage(), e);
        }
    }

    private static String safe(String s) {
        return s == null ? "" : s.replaceAll(",|:|=|\n", ".");
    }
}
