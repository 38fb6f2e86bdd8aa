// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace wb::ui {
class ConnectionWorkspace;
}

namespace wb::ui::panels {

/// Puts the Subscribe, Call, Publish and Register panels into a connection's workspace.
/// Registered once at start: ConnectionWorkspace::setPanelFactory(&wb::ui::panels::install).
void install(ConnectionWorkspace *workspace);

} // namespace wb::ui::panels
