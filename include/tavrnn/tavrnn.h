#pragma once
// tavrnn: neuronal recordings -> dynamic functional-connectivity graphs ->
// TAVRNN embeddings -> decoding and clustering. One header to start from;
// docs/library.md walks through the stages and examples/cpp/minimal.cpp
// goes from a recording to a decoding score.
//
// The stages, in the order data flows through them:
//   recording/  Recording, binning, behaviour, windows, summary
//   simulate/   recordings with planted structure
//   io/         npy, npz, csv, NWB (HDF5), MATLAB readers and writers
//   graphs/     Pearson graphs, random-matrix filtering, GraphSequence
//   nn/         GraphConv, GraphGRU, TemporalAttention, Tavrnn, Vgae
//   train/      Trainer, checkpoints, embeddings
//   distributed/ ProcessGroup (c10d Gloo): data-parallel training over ranks
//   eval/       decoding, clustering, unit groups, reconstruction
//   embedding/  PCA and t-SNE
//   report/     figures and the HTML report
//   pipeline/   each stage as a function, option tables, run_pipeline
//   util/       errors, progress, threads, tensor conversion

#include "tavrnn/util/error.h"
#include "tavrnn/util/runtime.h"

#include "tavrnn/recording/behaviour.h"
#include "tavrnn/recording/binning.h"
#include "tavrnn/recording/recording.h"
#include "tavrnn/recording/summary.h"
#include "tavrnn/recording/windows.h"

#include "tavrnn/simulate/simulate.h"

#include "tavrnn/io/npz.h"
#include "tavrnn/io/recording_io.h"

#include "tavrnn/graphs/graph_builder.h"
#include "tavrnn/graphs/graph_sequence.h"

#include "tavrnn/train/embeddings.h"
#include "tavrnn/train/model_config.h"
#include "tavrnn/train/trainer.h"

#include "tavrnn/distributed/process_group.h"

#include "tavrnn/eval/decoding.h"
#include "tavrnn/eval/run_evaluation.h"

#include "tavrnn/embedding/pca.h"
#include "tavrnn/embedding/tsne.h"

#include "tavrnn/pipeline/compare_grid.h"
#include "tavrnn/pipeline/option_table.h"
#include "tavrnn/pipeline/run_config.h"
#include "tavrnn/pipeline/run_directory.h"
#include "tavrnn/pipeline/run_pipeline.h"
#include "tavrnn/pipeline/stage_settings.h"
#include "tavrnn/pipeline/stages.h"
#include "tavrnn/pipeline/shared_fit.h"
