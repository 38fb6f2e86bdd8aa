// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The main window's look: the dark palette of View > Theme and the sidebar's connection state dots.

#include "client/connection.h"

#include <QIcon>
#include <QPalette>

namespace wb::ui {

/// Fusion colours for View > Theme > Dark.
QPalette darkPalette();
/// A coloured dot for the sidebar: green connected, amber connecting/waiting, red failed, grey disconnected.
QIcon connectionStateIcon(client::Connection::State state);

} // namespace wb::ui
