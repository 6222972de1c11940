"""The neonize driver, parent and child sides together.

Parent side (the web process; never imports neonize):
    parent_driver.py  NeonizeDriver / NeonizeSession: the DriverSession an AccountWorker uses
    parent_host.py    SessionHostProcess: spawns one child, speaks the pipe protocol, watches it
Child side (a spawned session-host process; the only code that imports neonize):
    child_host.py     run(): the child's entry point and command loop
    child_client.py   NeonizeClientSession: one neonize client, its events and sends
    codec.py          neonize protobufs <-> WILDCAT's normalised dicts
"""
