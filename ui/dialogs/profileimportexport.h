// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// File > Import/Export profiles: pick a JSON file, run MainWindow::importProfilesFrom / exportAllProfiles,
// report the outcome in the status bar or a message box.

namespace wb::ui {

class MainWindow;

void importProfilesDialog(MainWindow *window);
void exportProfilesDialog(MainWindow *window);

} // namespace wb::ui
