"""The counter's Tk application (ttkbootstrap): the window, its screens and widgets.

The only package of counterdesk that imports tkinter and ttkbootstrap; what the screens do runs
in the Tk-free `desktop.core`. `root.build_app` is the composition root; screens live in
`screens/` (one Frame class per screen, registered by key), small reusable widgets in
`widgets/`. Register work runs on worker threads (`tasks.TaskRunner`)
whose outcomes come back to the Tk main loop through a queue drained with `after()`.
"""
