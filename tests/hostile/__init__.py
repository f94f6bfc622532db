# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A hostile stand-in for the Apify API: raw sockets, one misbehaviour per scenario (see README.md)."""
