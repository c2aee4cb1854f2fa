package org.opsbot.bot;

public final class Main {
    public static void main(String[] args) {
        System.out.println("opsbot on Java " + Runtime.version());
    }
}
