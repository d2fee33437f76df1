package dev.arbiter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** Checks that a server can listen where it was asked to, before it spends time loading anything. */
public final class Ports {
    private Ports() {}

    /** Binds {@code host:port} for a moment; a port in use or a host that is not ours is a one-line user error. */
    public static void requireFree(String host, int port, String flag) {
        if (port == 0) {
            return; // the system picks a free one
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ArbiterException("cannot listen on " + host + ": unknown host; give an address of this machine to --host");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new ArbiterException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + "; stop what is using it, or give another " + flag + " (0 picks a free one)");
        }
    }
}
