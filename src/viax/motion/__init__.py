"""The governed domain: motion models, pricing, guards and the engine.

Pure Python: nothing here touches a database, a network or the clock.
"""
