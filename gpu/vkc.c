// vkc.c: see vkc.h. Plain Vulkan 1.2 compute, no descriptor sets: kernels get buffer device addresses
// and scalars through push constants.
#include "vkc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IFN(name) static PFN_##name p_##name;
IFN(vkGetInstanceProcAddr)
IFN(vkEnumeratePhysicalDevices)
IFN(vkGetPhysicalDeviceProperties)
IFN(vkGetPhysicalDeviceProperties2)
IFN(vkGetPhysicalDeviceFeatures2)
IFN(vkGetPhysicalDeviceMemoryProperties)
IFN(vkGetPhysicalDeviceQueueFamilyProperties)
IFN(vkCreateDevice)
IFN(vkGetDeviceProcAddr)

struct vkc_dev {
	VkPhysicalDevice pd;
	VkDevice dev;
	VkQueue queue;
	uint32_t family;
	VkCommandPool pool;
	VkPhysicalDeviceMemoryProperties mem;
#define DFN(name) PFN_##name name;
	DFN(vkDestroyDevice)
	DFN(vkGetDeviceQueue)
	DFN(vkDeviceWaitIdle)
	DFN(vkCreateBuffer)
	DFN(vkDestroyBuffer)
	DFN(vkGetBufferMemoryRequirements)
	DFN(vkAllocateMemory)
	DFN(vkFreeMemory)
	DFN(vkBindBufferMemory)
	DFN(vkMapMemory)
	DFN(vkGetBufferDeviceAddress)
	DFN(vkCreateShaderModule)
	DFN(vkDestroyShaderModule)
	DFN(vkCreatePipelineLayout)
	DFN(vkDestroyPipelineLayout)
	DFN(vkCreateComputePipelines)
	DFN(vkDestroyPipeline)
	DFN(vkCreateCommandPool)
	DFN(vkDestroyCommandPool)
	DFN(vkAllocateCommandBuffers)
	DFN(vkFreeCommandBuffers)
	DFN(vkBeginCommandBuffer)
	DFN(vkEndCommandBuffer)
	DFN(vkCmdBindPipeline)
	DFN(vkCmdPushConstants)
	DFN(vkCmdDispatch)
	DFN(vkCmdPipelineBarrier)
	DFN(vkCmdCopyBuffer)
	DFN(vkCmdFillBuffer)
	DFN(vkCmdWriteTimestamp)
	DFN(vkCmdResetQueryPool)
	DFN(vkCreateQueryPool)
	DFN(vkDestroyQueryPool)
	DFN(vkGetQueryPoolResults)
	DFN(vkCreateFence)
	DFN(vkDestroyFence)
	DFN(vkResetFences)
	DFN(vkWaitForFences)
	DFN(vkQueueSubmit)
#undef DFN
};

// instance_api is the API version of the newest instance: what a physical device may be asked about is
// limited by the lower of it and the device's own version.
static uint32_t instance_api;

int vkc_load_instance(VkInstance inst, PFN_vkGetInstanceProcAddr gipa, uint32_t api) {
	p_vkGetInstanceProcAddr = gipa;
	instance_api = api;
#define LOADI(name) p_##name = (PFN_##name)p_vkGetInstanceProcAddr(inst, #name); if (!p_##name) return -2;
	LOADI(vkEnumeratePhysicalDevices)
	LOADI(vkGetPhysicalDeviceProperties)
	LOADI(vkGetPhysicalDeviceProperties2)
	LOADI(vkGetPhysicalDeviceFeatures2)
	LOADI(vkGetPhysicalDeviceMemoryProperties)
	LOADI(vkGetPhysicalDeviceQueueFamilyProperties)
	LOADI(vkCreateDevice)
	LOADI(vkGetDeviceProcAddr)
#undef LOADI
	return 0;
}

int vkc_enumerate(VkInstance inst, VkPhysicalDevice *out, uint32_t max, uint32_t *count) {
	*count = max;
	VkResult r = p_vkEnumeratePhysicalDevices(inst, count, out);
	return r == VK_INCOMPLETE ? 0 : r;
}

void vkc_query(VkPhysicalDevice pd, vkc_info *info) {
	memset(info, 0, sizeof *info);
	VkPhysicalDeviceProperties base;
	p_vkGetPhysicalDeviceProperties(pd, &base);
	info->api_version = base.apiVersion;
	uint32_t api = base.apiVersion < instance_api ? base.apiVersion : instance_api;
	VkPhysicalDeviceSubgroupSizeControlProperties ssc = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES};
	VkPhysicalDeviceSubgroupProperties sub = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
	// Subgroup size control properties are core only from Vulkan 1.3, like maintenance4's.
	if (api >= VK_API_VERSION_1_3) sub.pNext = &ssc;
	VkPhysicalDeviceMaintenance3Properties m3 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES, .pNext = &sub};
	VkPhysicalDeviceDriverProperties drv = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES, .pNext = &m3};
	VkPhysicalDeviceMaintenance4Properties m4 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_PROPERTIES, .pNext = &drv};
	VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
	// Maintenance4 properties are core only from Vulkan 1.3; chaining them on an older device (or
	// through a 1.2 instance) is invalid.
	p2.pNext = api >= VK_API_VERSION_1_3 ? (void *)&m4 : (void *)&drv;
	p_vkGetPhysicalDeviceProperties2(pd, &p2);
	VkPhysicalDeviceProperties *p = &p2.properties;
	snprintf(info->name, sizeof info->name, "%s", p->deviceName);
	snprintf(info->driver, sizeof info->driver, "%s %s", drv.driverName, drv.driverInfo);
	info->type = p->deviceType;
	info->vendor_id = p->vendorID;
	info->device_id = p->deviceID;
	info->max_storage_buffer_range = p->limits.maxStorageBufferRange;
	info->max_memory_allocation_size = m3.maxMemoryAllocationSize;
	info->max_buffer_size = api >= VK_API_VERSION_1_3 ? m4.maxBufferSize : m3.maxMemoryAllocationSize;
	info->max_push_constants_size = p->limits.maxPushConstantsSize;
	for (int i = 0; i < 3; i++) {
		info->max_workgroup_count[i] = p->limits.maxComputeWorkGroupCount[i];
		info->max_workgroup_size[i] = p->limits.maxComputeWorkGroupSize[i];
	}
	info->max_workgroup_invocations = p->limits.maxComputeWorkGroupInvocations;
	info->max_shared_memory = p->limits.maxComputeSharedMemorySize;
	info->subgroup_size = sub.subgroupSize;
	info->subgroup_ops = sub.supportedOperations;
	info->subgroup_stages = sub.supportedStages;
	info->min_subgroup_size = ssc.minSubgroupSize;
	info->max_subgroup_size = ssc.maxSubgroupSize;
	info->max_compute_workgroup_subgroups = ssc.maxComputeWorkgroupSubgroups;
	info->required_subgroup_size_stages = ssc.requiredSubgroupSizeStages;
	info->timestamp_period = p->limits.timestampPeriod;

	VkPhysicalDeviceVulkan13Features f13 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
	VkPhysicalDeviceVulkan12Features f12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
	VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f12};
	if (api >= VK_API_VERSION_1_3) f12.pNext = &f13;
	info->has_vulkan12 = base.apiVersion >= VK_API_VERSION_1_2;
	if (info->has_vulkan12) {
		p_vkGetPhysicalDeviceFeatures2(pd, &f2);
		info->has_bda = f12.bufferDeviceAddress;
		info->has_int64 = f2.features.shaderInt64;
		info->has_full_subgroups = f13.computeFullSubgroups;
	}

	uint32_t nq = 0;
	p_vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, NULL);
	VkQueueFamilyProperties qf[32];
	if (nq > 32) nq = 32;
	p_vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, qf);
	for (uint32_t i = 0; i < nq; i++) {
		if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
			info->timestamp_valid_bits = qf[i].timestampValidBits;
			info->has_timestamps = qf[i].timestampValidBits > 0 && p->limits.timestampPeriod > 0;
			break;
		}
	}
	VkPhysicalDeviceMemoryProperties mp;
	p_vkGetPhysicalDeviceMemoryProperties(pd, &mp);
	for (uint32_t i = 0; i < mp.memoryHeapCount; i++)
		if (mp.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) info->device_local_bytes += mp.memoryHeaps[i].size;
}

vkc_dev *vkc_create_device(VkPhysicalDevice pd, char *err, int errlen) {
	uint32_t nq = 0;
	p_vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, NULL);
	VkQueueFamilyProperties qf[32];
	if (nq > 32) nq = 32;
	p_vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, qf);
	int family = -1;
	for (uint32_t i = 0; i < nq && family < 0; i++)
		if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) family = (int)i;
	if (family < 0) {
		snprintf(err, errlen, "the device has no compute queue");
		return NULL;
	}
	float prio = 1.0f;
	VkDeviceQueueCreateInfo qci = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
		.queueFamilyIndex = (uint32_t)family,
		.queueCount = 1,
		.pQueuePriorities = &prio,
	};
	VkPhysicalDeviceProperties props;
	p_vkGetPhysicalDeviceProperties(pd, &props);
	// Vulkan 1.3 structures only where both the device and the instance are 1.3.
	int v13 = props.apiVersion >= VK_API_VERSION_1_3 && instance_api >= VK_API_VERSION_1_3;
	VkPhysicalDeviceVulkan13Features have13 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
	VkPhysicalDeviceVulkan12Features have12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
	if (v13) have12.pNext = &have13;
	VkPhysicalDeviceFeatures2 have = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &have12};
	p_vkGetPhysicalDeviceFeatures2(pd, &have);
	// computeFullSubgroups lets kernels that share values across a subgroup require full subgroups.
	VkPhysicalDeviceVulkan13Features f13 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
	f13.computeFullSubgroups = have13.computeFullSubgroups;
	VkPhysicalDeviceVulkan12Features f12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
	if (v13) f12.pNext = &f13;
	f12.bufferDeviceAddress = VK_TRUE;
	f12.hostQueryReset = have12.hostQueryReset;
	VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f12};
	f2.features.shaderInt64 = have.features.shaderInt64;
	VkDeviceCreateInfo ci = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
		.pNext = &f2,
		.queueCreateInfoCount = 1,
		.pQueueCreateInfos = &qci,
	};
	vkc_dev *d = calloc(1, sizeof *d);
	d->pd = pd;
	d->family = (uint32_t)family;
	VkResult r = p_vkCreateDevice(pd, &ci, NULL, &d->dev);
	if (r != VK_SUCCESS) {
		snprintf(err, errlen, "vkCreateDevice failed with VkResult %d", r);
		free(d);
		return NULL;
	}
#define LOADD(name) d->name = (PFN_##name)p_vkGetDeviceProcAddr(d->dev, #name); \
	if (!d->name) { snprintf(err, errlen, "the driver has no %s", #name); return NULL; }
	LOADD(vkDestroyDevice)
	LOADD(vkGetDeviceQueue)
	LOADD(vkDeviceWaitIdle)
	LOADD(vkCreateBuffer)
	LOADD(vkDestroyBuffer)
	LOADD(vkGetBufferMemoryRequirements)
	LOADD(vkAllocateMemory)
	LOADD(vkFreeMemory)
	LOADD(vkBindBufferMemory)
	LOADD(vkMapMemory)
	LOADD(vkGetBufferDeviceAddress)
	LOADD(vkCreateShaderModule)
	LOADD(vkDestroyShaderModule)
	LOADD(vkCreatePipelineLayout)
	LOADD(vkDestroyPipelineLayout)
	LOADD(vkCreateComputePipelines)
	LOADD(vkDestroyPipeline)
	LOADD(vkCreateCommandPool)
	LOADD(vkDestroyCommandPool)
	LOADD(vkAllocateCommandBuffers)
	LOADD(vkFreeCommandBuffers)
	LOADD(vkBeginCommandBuffer)
	LOADD(vkEndCommandBuffer)
	LOADD(vkCmdBindPipeline)
	LOADD(vkCmdPushConstants)
	LOADD(vkCmdDispatch)
	LOADD(vkCmdPipelineBarrier)
	LOADD(vkCmdCopyBuffer)
	LOADD(vkCmdFillBuffer)
	LOADD(vkCmdWriteTimestamp)
	LOADD(vkCmdResetQueryPool)
	LOADD(vkCreateQueryPool)
	LOADD(vkDestroyQueryPool)
	LOADD(vkGetQueryPoolResults)
	LOADD(vkCreateFence)
	LOADD(vkDestroyFence)
	LOADD(vkResetFences)
	LOADD(vkWaitForFences)
	LOADD(vkQueueSubmit)
#undef LOADD
	d->vkGetDeviceQueue(d->dev, d->family, 0, &d->queue);
	p_vkGetPhysicalDeviceMemoryProperties(pd, &d->mem);
	VkCommandPoolCreateInfo pci = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
		.queueFamilyIndex = d->family,
	};
	r = d->vkCreateCommandPool(d->dev, &pci, NULL, &d->pool);
	if (r != VK_SUCCESS) {
		snprintf(err, errlen, "vkCreateCommandPool failed with VkResult %d", r);
		d->vkDestroyDevice(d->dev, NULL);
		free(d);
		return NULL;
	}
	return d;
}

void vkc_destroy_device(vkc_dev *d) {
	if (!d) return;
	d->vkDeviceWaitIdle(d->dev);
	d->vkDestroyCommandPool(d->dev, d->pool, NULL);
	d->vkDestroyDevice(d->dev, NULL);
	free(d);
}

int vkc_wait_idle(vkc_dev *d) { return d->vkDeviceWaitIdle(d->dev); }

// pick_memory returns the first memory type allowed by bits that has all of want, preferring those that
// also have all of prefer; -1 if none.
static int pick_memory(vkc_dev *d, uint32_t bits, uint32_t want, uint32_t prefer) {
	int fallback = -1;
	for (uint32_t i = 0; i < d->mem.memoryTypeCount; i++) {
		uint32_t f = d->mem.memoryTypes[i].propertyFlags;
		if (!(bits & (1u << i)) || (f & want) != want) continue;
		if ((f & prefer) == prefer) return (int)i;
		if (fallback < 0) fallback = (int)i;
	}
	return fallback;
}

int vkc_buffer_create(vkc_dev *d, uint64_t size, int kind, vkc_buffer *out) {
	memset(out, 0, sizeof *out);
	VkBufferCreateInfo bci = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.size = size,
		.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
			 VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VkResult r = d->vkCreateBuffer(d->dev, &bci, NULL, &out->buf);
	if (r != VK_SUCCESS) return r;
	VkMemoryRequirements req;
	d->vkGetBufferMemoryRequirements(d->dev, out->buf, &req);
	int type;
	if (kind == 0) {
		type = pick_memory(d, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
		if (type < 0) type = pick_memory(d, req.memoryTypeBits, 0, 0);
	} else {
		type = pick_memory(d, req.memoryTypeBits,
				   VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
				   VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
	}
	if (type < 0) {
		d->vkDestroyBuffer(d->dev, out->buf, NULL);
		out->buf = VK_NULL_HANDLE;
		return -1000;
	}
	VkMemoryAllocateFlagsInfo flags = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO,
		.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT,
	};
	VkMemoryAllocateInfo ai = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.pNext = &flags,
		.allocationSize = req.size,
		.memoryTypeIndex = (uint32_t)type,
	};
	r = d->vkAllocateMemory(d->dev, &ai, NULL, &out->mem);
	if (r != VK_SUCCESS) {
		d->vkDestroyBuffer(d->dev, out->buf, NULL);
		out->buf = VK_NULL_HANDLE;
		return r;
	}
	d->vkBindBufferMemory(d->dev, out->buf, out->mem, 0);
	out->mem_flags = d->mem.memoryTypes[type].propertyFlags;
	uint32_t hv = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
	if ((out->mem_flags & hv) == hv) {
		r = d->vkMapMemory(d->dev, out->mem, 0, VK_WHOLE_SIZE, 0, &out->mapped);
		if (r != VK_SUCCESS) out->mapped = NULL;
	}
	VkBufferDeviceAddressInfo bai = {.sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO, .buffer = out->buf};
	out->addr = d->vkGetBufferDeviceAddress(d->dev, &bai);
	out->size = size;
	return VK_SUCCESS;
}

void vkc_buffer_destroy(vkc_dev *d, vkc_buffer *b) {
	if (b->buf) d->vkDestroyBuffer(d->dev, b->buf, NULL);
	if (b->mem) d->vkFreeMemory(d->dev, b->mem, NULL); // freeing unmaps
	memset(b, 0, sizeof *b);
}

int vkc_kernel_create(vkc_dev *d, const void *spv, size_t spv_len, uint32_t push_size, uint32_t stage_flags, vkc_kernel *out) {
	memset(out, 0, sizeof *out);
	VkShaderModuleCreateInfo sci = {
		.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
		.codeSize = spv_len,
		.pCode = (const uint32_t *)spv,
	};
	VkShaderModule mod;
	VkResult r = d->vkCreateShaderModule(d->dev, &sci, NULL, &mod);
	if (r != VK_SUCCESS) return r;
	VkPushConstantRange range = {.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT, .offset = 0, .size = push_size};
	VkPipelineLayoutCreateInfo lci = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
		.pushConstantRangeCount = push_size ? 1 : 0,
		.pPushConstantRanges = &range,
	};
	r = d->vkCreatePipelineLayout(d->dev, &lci, NULL, &out->layout);
	if (r != VK_SUCCESS) {
		d->vkDestroyShaderModule(d->dev, mod, NULL);
		return r;
	}
	VkComputePipelineCreateInfo pci = {
		.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
		.stage = {
			.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
			.flags = stage_flags,
			.stage = VK_SHADER_STAGE_COMPUTE_BIT,
			.module = mod,
			.pName = "main",
		},
		.layout = out->layout,
	};
	r = d->vkCreateComputePipelines(d->dev, VK_NULL_HANDLE, 1, &pci, NULL, &out->pipe);
	d->vkDestroyShaderModule(d->dev, mod, NULL);
	if (r != VK_SUCCESS) {
		d->vkDestroyPipelineLayout(d->dev, out->layout, NULL);
		out->layout = VK_NULL_HANDLE;
		return r;
	}
	out->push_size = push_size;
	return VK_SUCCESS;
}

void vkc_kernel_destroy(vkc_dev *d, vkc_kernel *k) {
	if (k->pipe) d->vkDestroyPipeline(d->dev, k->pipe, NULL);
	if (k->layout) d->vkDestroyPipelineLayout(d->dev, k->layout, NULL);
	memset(k, 0, sizeof *k);
}

int vkc_seq_create(vkc_dev *d, uint32_t query_count, vkc_seq *out) {
	memset(out, 0, sizeof *out);
	VkCommandBufferAllocateInfo ai = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = d->pool,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1,
	};
	VkResult r = d->vkAllocateCommandBuffers(d->dev, &ai, &out->cmd);
	if (r != VK_SUCCESS) return r;
	VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
	r = d->vkCreateFence(d->dev, &fci, NULL, &out->fence);
	if (r != VK_SUCCESS) return r;
	if (query_count > 0) {
		VkQueryPoolCreateInfo qci = {
			.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
			.queryType = VK_QUERY_TYPE_TIMESTAMP,
			.queryCount = query_count,
		};
		r = d->vkCreateQueryPool(d->dev, &qci, NULL, &out->queries);
		if (r != VK_SUCCESS) return r;
		out->query_count = query_count;
	}
	return VK_SUCCESS;
}

void vkc_seq_destroy(vkc_dev *d, vkc_seq *s) {
	if (s->queries) d->vkDestroyQueryPool(d->dev, s->queries, NULL);
	if (s->fence) d->vkDestroyFence(d->dev, s->fence, NULL);
	if (s->cmd) d->vkFreeCommandBuffers(d->dev, d->pool, 1, &s->cmd);
	memset(s, 0, sizeof *s);
}

int vkc_seq_begin(vkc_dev *d, vkc_seq *s) {
	VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	VkResult r = d->vkBeginCommandBuffer(s->cmd, &bi);
	if (r == VK_SUCCESS && s->queries) d->vkCmdResetQueryPool(s->cmd, s->queries, 0, s->query_count);
	return r;
}

int vkc_seq_end(vkc_dev *d, vkc_seq *s) { return d->vkEndCommandBuffer(s->cmd); }

void vkc_cmd_dispatch(vkc_dev *d, vkc_seq *s, vkc_kernel *k, const void *push, uint32_t gx, uint32_t gy, uint32_t gz) {
	d->vkCmdBindPipeline(s->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, k->pipe);
	if (k->push_size) d->vkCmdPushConstants(s->cmd, k->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, k->push_size, push);
	d->vkCmdDispatch(s->cmd, gx, gy, gz);
}

void vkc_cmd_barrier(vkc_dev *d, vkc_seq *s, uint32_t src_stage, uint32_t src_access, uint32_t dst_stage, uint32_t dst_access) {
	VkMemoryBarrier mb = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
		.srcAccessMask = src_access,
		.dstAccessMask = dst_access,
	};
	d->vkCmdPipelineBarrier(s->cmd, src_stage, dst_stage, 0, 1, &mb, 0, NULL, 0, NULL);
}

void vkc_cmd_copy(vkc_dev *d, vkc_seq *s, vkc_buffer *dst, uint64_t dst_off, vkc_buffer *src, uint64_t src_off, uint64_t size) {
	VkBufferCopy c = {.srcOffset = src_off, .dstOffset = dst_off, .size = size};
	d->vkCmdCopyBuffer(s->cmd, src->buf, dst->buf, 1, &c);
}

void vkc_cmd_fill(vkc_dev *d, vkc_seq *s, vkc_buffer *dst, uint64_t off, uint64_t size, uint32_t word) {
	d->vkCmdFillBuffer(s->cmd, dst->buf, off, size, word);
}

void vkc_cmd_timestamp(vkc_dev *d, vkc_seq *s, uint32_t query) {
	d->vkCmdWriteTimestamp(s->cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, s->queries, query);
}

int vkc_seq_submit_wait(vkc_dev *d, vkc_seq *s, uint64_t timeout_ns) {
	VkResult r = d->vkResetFences(d->dev, 1, &s->fence);
	if (r != VK_SUCCESS) return r;
	VkSubmitInfo si = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = 1,
		.pCommandBuffers = &s->cmd,
	};
	r = d->vkQueueSubmit(d->queue, 1, &si, s->fence);
	if (r != VK_SUCCESS) return r;
	return d->vkWaitForFences(d->dev, 1, &s->fence, VK_TRUE, timeout_ns);
}

int vkc_seq_timestamps(vkc_dev *d, vkc_seq *s, uint64_t *out, uint32_t count) {
	if (!s->queries || count > s->query_count) return -1;
	return d->vkGetQueryPoolResults(d->dev, s->queries, 0, count, count * sizeof(uint64_t), out, sizeof(uint64_t),
					VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
}
