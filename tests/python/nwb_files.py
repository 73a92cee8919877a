"""Small NWB 2.x files written with h5py, following the NWB schema (core +
hdmf-common): the neurodata_type/namespace attributes, DynamicTable id and
colnames, VectorData with VectorIndex end offsets (a `target` reference), an
electrode-group column of object references, a TimeIntervals trials table
and a SpatialSeries inside a Position container. Enough for a reader that
finds objects by neurodata_type; pynwb itself is not needed."""
import uuid

import h5py
import numpy as np

STR = h5py.string_dtype(encoding="utf-8")
REF = h5py.ref_dtype


def _typed(obj, neurodata_type, namespace="core", **attrs):
    obj.attrs["neurodata_type"] = neurodata_type
    obj.attrs["namespace"] = namespace
    obj.attrs["object_id"] = str(uuid.uuid4())
    for key, value in attrs.items():
        obj.attrs[key] = value
    return obj


def new_file(path):
    """An NWBFile root with the groups every NWB file has."""
    f = h5py.File(path, "w")
    _typed(f, "NWBFile", nwb_version="2.7.0")
    for name in ["acquisition", "analysis", "general", "intervals", "processing", "stimulus"]:
        f.create_group(name)
    f.create_dataset("identifier", data="tavrnn-test", dtype=STR)
    f.create_dataset("session_description", data="written by tavrnn's tests", dtype=STR)
    f.create_dataset("session_start_time", data="2024-01-01T00:00:00+00:00", dtype=STR)
    return f


def _table(group, neurodata_type, colnames, n_rows, description):
    _typed(group, neurodata_type, colnames=np.array(colnames, dtype=object).astype(STR),
           description=description)
    _typed(group.create_dataset("id", data=np.arange(n_rows, dtype=np.int64)),
           "ElementIdentifiers", "hdmf-common")


def _column(group, name, values, description="", dtype=None):
    ds = group.create_dataset(name, data=values, dtype=dtype)
    _typed(ds, "VectorData", "hdmf-common", description=description or name)
    return ds


def _index(group, name, offsets, target, dtype):
    ds = group.create_dataset(name, data=np.asarray(offsets, dtype=dtype))
    _typed(ds, "VectorIndex", "hdmf-common", description=f"Index for VectorData '{target.name}'")
    ds.attrs["target"] = target.ref
    return ds


def add_units(f, path, ids, trains, index_dtype=np.int64, location=None, electrode_groups=None,
              brain_area=None, obs_intervals=None):
    """A Units table: ids, ragged spike_times; optional per-unit columns.
    electrode_groups: one ElectrodeGroup name per unit (created under
    /general/extracellular_ephys) stored as object references."""
    g = f.create_group(path)
    colnames = ["spike_times"]
    times = _column(g, "spike_times", np.concatenate([np.asarray(t, float) for t in trains]))
    _index(g, "spike_times_index", np.cumsum([len(t) for t in trains]), times, index_dtype)
    if obs_intervals is not None:
        colnames.append("obs_intervals")
        flat = np.concatenate([np.asarray(o, float).reshape(-1, 2) for o in obs_intervals])
        target = _column(g, "obs_intervals", flat)
        _index(g, "obs_intervals_index", np.cumsum([len(o) for o in obs_intervals]), target, np.int64)
    if location is not None:
        colnames.append("location")
        _column(g, "location", np.array(location, dtype=object), dtype=STR)
    if brain_area is not None:
        colnames.append("brain_area")
        _column(g, "brain_area", np.array(brain_area, dtype=object), dtype=STR)
    if electrode_groups is not None:
        colnames.append("electrode_group")
        ephys = f.require_group("general/extracellular_ephys")
        for name in dict.fromkeys(electrode_groups):
            if name not in ephys:
                _typed(ephys.create_group(name), "ElectrodeGroup", description=name, location="CA1")
        refs = [ephys[name].ref for name in electrode_groups]
        _column(g, "electrode_group", refs, dtype=REF)
    _table(g, "Units", colnames, len(trains), "units")
    g["id"][...] = np.asarray(ids, dtype=np.int64)
    return g


def add_time_intervals(f, path, start, stop, columns=None):
    """A TimeIntervals table; columns: name -> list of str or numbers."""
    g = f.create_group(path)
    colnames = ["start_time", "stop_time"]
    _column(g, "start_time", np.asarray(start, float))
    _column(g, "stop_time", np.asarray(stop, float))
    for name, values in (columns or {}).items():
        colnames.append(name)
        if isinstance(values[0], str):
            _column(g, name, np.array(values, dtype=object), dtype=STR)
        else:
            _column(g, name, np.asarray(values))
    _table(g, "TimeIntervals", colnames, len(start), path.rsplit("/", 1)[-1])
    return g


def add_spatial_series(f, container, name, data, timestamps=None, rate=None, starting_time=0.0,
                       conversion=1.0):
    """A SpatialSeries in a Position container, e.g. /processing/behavior/Position/position."""
    module_path = container.rsplit("/", 1)[0]
    if module_path not in f:
        _typed(f.create_group(module_path), "ProcessingModule", description="behaviour")
    parent = f.require_group(container)
    if "neurodata_type" not in parent.attrs:
        _typed(parent, "Position")
    s = _typed(parent.create_group(name), "SpatialSeries", description="position",
               comments="")
    d = s.create_dataset("data", data=np.asarray(data))
    d.attrs["unit"] = "meters"
    d.attrs["conversion"] = float(conversion)
    d.attrs["resolution"] = -1.0
    if timestamps is not None:
        ts = s.create_dataset("timestamps", data=np.asarray(timestamps, float))
        ts.attrs["interval"] = 1
        ts.attrs["unit"] = "seconds"
    else:
        st = s.create_dataset("starting_time", data=float(starting_time))
        st.attrs["rate"] = float(rate)
        st.attrs["unit"] = "seconds"
    return s
