package dev.mortar.client.fuse;

/** Owner and file ID of a new file: chosen here so that every brick gives the file the same ones. */
record NewEntry(int uid, int gid, String gfid) {}
