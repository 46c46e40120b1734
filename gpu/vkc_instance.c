// vkc_instance.c: the Vulkan instance of package gpu (see vkc.h): the loader opened with dlopen, the
// validation layer and its debug messenger, portability enumeration where the loader has it.
#include "vkc.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// gpuValidationMessage is exported by validation.go.
extern void gpuValidationMessage(void *token, int severity, char *id, int32_t number, char *msg);

struct vkc_instance {
	VkInstance inst;
	VkDebugUtilsMessengerEXT messenger;
	PFN_vkDestroyInstance destroy;
	PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger;
};

static const char validation_layer[] = "VK_LAYER_KHRONOS_validation";

// on_message forwards a validation message: severity 2 error, 1 warning, 0 performance warning.
static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT sev,
						  VkDebugUtilsMessageTypeFlagsEXT types,
						  const VkDebugUtilsMessengerCallbackDataEXT *data, void *user) {
	int level = (sev & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) ? 2 : 1;
	if (level == 1 && (types & VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT)) level = 0;
	gpuValidationMessage(user, level, (char *)(data->pMessageIdName ? data->pMessageIdName : ""),
			     data->messageIdNumber, (char *)(data->pMessage ? data->pMessage : ""));
	return VK_FALSE;
}

static int has_extension(PFN_vkEnumerateInstanceExtensionProperties enumerate, const char *name) {
	uint32_t n = 0;
	if (enumerate(NULL, &n, NULL) != VK_SUCCESS || n == 0) return 0;
	VkExtensionProperties *ext = calloc(n, sizeof *ext);
	int found = 0;
	if (ext && enumerate(NULL, &n, ext) >= 0)
		for (uint32_t i = 0; i < n && !found; i++) found = strcmp(ext[i].extensionName, name) == 0;
	free(ext);
	return found;
}

static int has_layer(PFN_vkEnumerateInstanceLayerProperties enumerate, const char *name) {
	uint32_t n = 0;
	if (enumerate(&n, NULL) != VK_SUCCESS || n == 0) return 0;
	VkLayerProperties *lay = calloc(n, sizeof *lay);
	int found = 0;
	if (lay && enumerate(&n, lay) >= 0)
		for (uint32_t i = 0; i < n && !found; i++) found = strcmp(lay[i].layerName, name) == 0;
	free(lay);
	return found;
}

vkc_instance *vkc_create_instance(const char *loader, const char *app, int validation, void *token, int *code, char *err, int errlen) {
	*code = 0;
	void *lib = dlopen(loader, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		*code = VKC_NO_LOADER;
		snprintf(err, errlen, "%s", dlerror());
		return NULL;
	}
	PFN_vkGetInstanceProcAddr gipa = (PFN_vkGetInstanceProcAddr)dlsym(lib, "vkGetInstanceProcAddr");
	if (!gipa) {
		*code = VKC_NO_LOADER;
		snprintf(err, errlen, "%s has no vkGetInstanceProcAddr", loader);
		return NULL;
	}
	PFN_vkEnumerateInstanceExtensionProperties exts =
		(PFN_vkEnumerateInstanceExtensionProperties)gipa(NULL, "vkEnumerateInstanceExtensionProperties");
	PFN_vkEnumerateInstanceLayerProperties layers =
		(PFN_vkEnumerateInstanceLayerProperties)gipa(NULL, "vkEnumerateInstanceLayerProperties");
	PFN_vkEnumerateInstanceVersion version = (PFN_vkEnumerateInstanceVersion)gipa(NULL, "vkEnumerateInstanceVersion");
	PFN_vkCreateInstance create = (PFN_vkCreateInstance)gipa(NULL, "vkCreateInstance");
	if (!exts || !layers || !create) {
		*code = VKC_NO_ENTRY;
		snprintf(err, errlen, "the Vulkan loader lacks the global entry points");
		return NULL;
	}
	// Ask for the newest version both we and the loader know (1.3), at least 1.2.
	uint32_t api = VK_API_VERSION_1_2, have = VK_API_VERSION_1_0;
	if (version && version(&have) == VK_SUCCESS && have >= VK_API_VERSION_1_3) api = VK_API_VERSION_1_3;

	const char *names[3];
	uint32_t next = 0;
	VkInstanceCreateFlags flags = 0;
	// Listing portability drivers (e.g. MoltenVK) needs this extension and flag; loaders without it
	// list only conformant drivers, which is all they can.
	if (has_extension(exts, "VK_KHR_portability_enumeration")) {
		names[next++] = "VK_KHR_portability_enumeration";
		flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
	}
	VkDebugUtilsMessengerCreateInfoEXT mci = {
		.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
		.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
		.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
			       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
		.pfnUserCallback = on_message,
		.pUserData = token,
	};
	const char *layer = validation_layer;
	if (validation) {
		if (!has_layer(layers, validation_layer)) {
			*code = VKC_NO_LAYER;
			snprintf(err, errlen, "%s is not installed", validation_layer);
			return NULL;
		}
		names[next++] = "VK_EXT_debug_utils"; // provided by the layer
	}
	VkApplicationInfo ai = {
		.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
		.pApplicationName = app,
		.applicationVersion = VK_MAKE_API_VERSION(0, 1, 0, 0),
		.pEngineName = "alexnet-vk",
		.apiVersion = api,
	};
	VkInstanceCreateInfo ci = {
		.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
		// The chained messenger also reports what happens while the instance is created and destroyed.
		.pNext = validation ? &mci : NULL,
		.flags = flags,
		.pApplicationInfo = &ai,
		.enabledLayerCount = validation ? 1 : 0,
		.ppEnabledLayerNames = &layer,
		.enabledExtensionCount = next,
		.ppEnabledExtensionNames = names,
	};
	vkc_instance *in = calloc(1, sizeof *in);
	if (!in) {
		*code = VK_ERROR_OUT_OF_HOST_MEMORY;
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	VkResult r = create(&ci, NULL, &in->inst);
	if (r != VK_SUCCESS) {
		*code = r;
		snprintf(err, errlen, "vkCreateInstance failed with VkResult %d", r);
		free(in);
		return NULL;
	}
	in->destroy = (PFN_vkDestroyInstance)gipa(in->inst, "vkDestroyInstance");
	int rc = vkc_load_instance(in->inst, gipa, api);
	if (rc != 0 || !in->destroy) {
		*code = VKC_NO_ENTRY;
		snprintf(err, errlen, "cannot load the Vulkan 1.2 instance entry points (the driver may be too old)");
		if (in->destroy) in->destroy(in->inst, NULL);
		free(in);
		return NULL;
	}
	if (validation) {
		PFN_vkCreateDebugUtilsMessengerEXT mk =
			(PFN_vkCreateDebugUtilsMessengerEXT)gipa(in->inst, "vkCreateDebugUtilsMessengerEXT");
		in->destroy_messenger =
			(PFN_vkDestroyDebugUtilsMessengerEXT)gipa(in->inst, "vkDestroyDebugUtilsMessengerEXT");
		r = mk && in->destroy_messenger ? mk(in->inst, &mci, NULL, &in->messenger) : VK_ERROR_EXTENSION_NOT_PRESENT;
		if (r != VK_SUCCESS) {
			*code = r;
			snprintf(err, errlen, "cannot register the validation messenger (VkResult %d)", r);
			in->destroy(in->inst, NULL);
			free(in);
			return NULL;
		}
	}
	return in;
}

VkInstance vkc_instance_handle(vkc_instance *in) { return in->inst; }

void vkc_destroy_instance(vkc_instance *in) {
	if (!in) return;
	if (in->messenger) in->destroy_messenger(in->inst, in->messenger, NULL);
	in->destroy(in->inst, NULL);
	free(in);
}
