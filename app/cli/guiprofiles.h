// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The GUI's saved connection profiles, read by the client commands (--profile NAME) and by `profiles`.
// Where: $WAMPSCOPE_SETTINGS (an INI file; tests and scripts point it at a file of their own) or else the
// GUI's own QSettings scope (organization "Wampscope", application "Wampscope"). Secrets come from the OS
// keychain under the profile id, as the GUI stores them; never from the settings file.

#include "settings/connectionprofile.h"
#include "wamp/result.h"

#include <QList>
#include <QSettings>
#include <QString>

#include <memory>

namespace wb::cli {

/// The settings the GUI uses (or $WAMPSCOPE_SETTINGS), read-only for us.
std::unique_ptr<QSettings> openGuiSettings();
/// The file the profiles are read from, for messages.
QString guiSettingsLocation();
/// All saved profiles.
QList<settings::ConnectionProfile> loadGuiProfiles();

/// The profile whose id or name is \a nameOrId. Fails with "unknown profile" and the saved names, or
/// "ambiguous" when two profiles share the name.
Result<settings::ConnectionProfile> findGuiProfile(const QString &nameOrId);

/// The profile's secret from the OS keychain; runs an event loop until the keychain answers (bounded).
/// Fails with a message that says what to do instead (WAMPSCOPE_SECRET).
Result<QString> readProfileSecret(const settings::ConnectionProfile &profile);

} // namespace wb::cli
