package routes.messaging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * The embedded broker's security when CORTEX_BROKER_USER and _PASSWORD are set: one user, the service's own, may
 * connect (in-VM and over TCP) and do everything; anyone else is refused at the handshake. The password is compared
 * in constant time.
 */
final class ServiceUserSecurity implements ActiveMQSecurityManager {

    private final String user;
    private final byte[] password;

    ServiceUserSecurity(String user, String password) {
        this.user = user;
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean validateUser(String user, String password) {
        return this.user.equals(user) && password != null
                && MessageDigest.isEqual(this.password, password.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return validateUser(user, password);
    }
}
