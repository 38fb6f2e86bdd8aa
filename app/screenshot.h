// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// `wampscope --screenshot PATH [--scene NAME]` (hidden): stage a scene in the window, grab it to PATH, exit.
// Used for the README screenshots (run under Xvfb); the scenes use only public window/session API.

#include <QString>

namespace wb::ui {
class MainWindow;
}

namespace wb::app {

/// Scenes: "window" (Local router workspace), "traffic" (a CALL served by a mock on a second connection,
/// selected in the traffic log), "router" (the router panel), "dark" (traffic in the dark theme).
/// Returns the process exit code once the picture is written.
int runScreenshot(ui::MainWindow *window, const QString &scene, const QString &path);

} // namespace wb::app
