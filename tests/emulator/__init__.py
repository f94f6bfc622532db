# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A stateful stand-in for the Apify API (actor runs and their default storages), standard library only.

Start it in-process with :func:`tests.emulator.server.start_server` or from a
shell with ``python -m tests.emulator``; see README.md in this folder.
"""
