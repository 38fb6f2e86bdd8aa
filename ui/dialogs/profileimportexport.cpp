// SPDX-License-Identifier: GPL-3.0-or-later
#include "profileimportexport.h"

#include "mainwindow.h"

#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QStatusBar>

namespace wb::ui {

void importProfilesDialog(MainWindow *w)
{
    const QString path = QFileDialog::getOpenFileName(w, MainWindow::tr("Import profiles"), QString(), MainWindow::tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(w, MainWindow::tr("Import profiles"), MainWindow::tr("Cannot read %1: %2").arg(path, f.errorString()));
        return;
    }
    const int n = w->importProfilesFrom(f.readAll());
    if (n < 0)
        QMessageBox::warning(w, MainWindow::tr("Import profiles"), w->notices().last());
    else
        w->statusBar()->showMessage(MainWindow::tr("Imported %n profile(s); secrets are asked for on first connect.", nullptr, n), 8000);
}

void exportProfilesDialog(MainWindow *w)
{
    const QString path = QFileDialog::getSaveFileName(w, MainWindow::tr("Export profiles (without secrets)"),
                                                      QStringLiteral("wampscope-profiles.json"), MainWindow::tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(w->exportAllProfiles()) < 0) {
        QMessageBox::warning(w, MainWindow::tr("Export profiles"), MainWindow::tr("Cannot write %1: %2").arg(path, f.errorString()));
        return;
    }
    w->statusBar()->showMessage(
        MainWindow::tr("Exported %n profile(s) to %1 (no secrets).", nullptr, int(w->connections().size())).arg(path), 8000);
}

} // namespace wb::ui
