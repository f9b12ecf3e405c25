"""The counter's Tk application (ttkbootstrap): screens, widgets and the services they run on.

The only package of counterdesk that imports tkinter and ttkbootstrap. `root.build_app` is the
composition root; screens live in `screens/` (one Frame class per screen, registered by key),
small reusable widgets in `widgets/`. Register work runs on worker threads (`tasks.TaskRunner`)
whose outcomes come back to the Tk main loop through a queue drained with `after()`.
"""
